#!/usr/bin/env python3
"""Writes a large, realistic event log for benchmarking `waymark simulate`.

    scripts/generate-event-log.py --customers 50000 --events 1000000 --seed 1 > /tmp/events-1m.csv

Each customer gets sessions of app or mini-program opens, product views,
carts, checkouts and purchases (with the properties the example journeys
read), plus ratings, refunds, subscriptions, leads, coupons and clicks, spread
over March 2024 in Shanghai time. Rows are written customer by customer, so
the file is not sorted by time (the simulator sorts it).
"""
import argparse
import random
import sys
from datetime import datetime, timedelta, timezone

HEADER = ("customer_id,event,time,channel,sku,product_name,category,price,dwell_seconds,value,cart_value,"
          "order_id,rating,comment,refund_type,code,source,lead_id,interest,status,plan,text")
COLUMNS = HEADER.split(",")
PRODUCTS = [
    ("APL-FRG-500", "Lumen 500L French-door fridge", "appliances", 8999),
    ("FUR-SOF-3S", "Three-seat fabric sofa", "furniture", 5499),
    ("PHN-X5-256", "Lumen X5 256GB", "phones", 3999),
    ("SKN-CLN-120", "Gentle cleanser 120ml", "skincare", 129),
    ("TEA-OOL-250", "Oolong 250g", "tea", 168),
    ("COF-BEAN-500", "Yunnan espresso beans 500g", "coffee", 138),
    ("HOM-MUG-02", "Ceramic mug set", "home", 89),
    ("ACC-BUDS-2", "Lumen Buds 2 wireless earbuds", "accessories", 399),
    ("APL-AIR-300", "Air purifier 300", "appliances", 1599),
    ("FUR-LMP-01", "Reading lamp", "furniture", 259),
]
SHANGHAI = timezone(timedelta(hours=8))


def row(customer, event, time, **fields):
    values = {"customer_id": customer, "event": event, "time": time.strftime("%Y-%m-%dT%H:%M:%S+08:00")}
    values.update({key: str(value) for key, value in fields.items()})
    cells = []
    for column in COLUMNS:
        cell = values.get(column, "")
        if any(c in cell for c in ',"\n'):
            cell = '"' + cell.replace('"', '""') + '"'
        cells.append(cell)
    return ",".join(cells)


def customer_events(rng, customer, budget, start):
    time = start + timedelta(seconds=rng.randrange(0, 30 * 86400))
    rows = []
    order = 0
    while len(rows) < budget:
        channel = rng.choice(["in_app", "in_app", "wechat"])
        rows.append(row(customer, "app_open" if channel == "in_app" else "mini_program_open", time, channel=channel))
        for _ in range(rng.randint(1, 4)):
            time += timedelta(seconds=rng.randint(20, 400))
            sku, name, category, price = rng.choice(PRODUCTS)
            rows.append(row(customer, "product_view", time, channel=channel, sku=sku, product_name=name, category=category,
                            price=price, dwell_seconds=rng.randint(3, 240)))
        if rng.random() < 0.35:
            time += timedelta(seconds=rng.randint(30, 600))
            rows.append(row(customer, "add_to_cart", time, channel=channel, sku=sku, product_name=name, category=category, value=price))
            if rng.random() < 0.5:
                time += timedelta(seconds=rng.randint(60, 3 * 3600))
                rows.append(row(customer, "checkout_started", time, channel=channel, cart_value=price))
                if rng.random() < 0.6:
                    order += 1
                    time += timedelta(seconds=rng.randint(60, 3600))
                    order_id = f"O-{customer}-{order}"
                    rows.append(row(customer, "purchase", time, channel=channel, sku=sku, product_name=name, category=category,
                                    value=price, order_id=order_id))
                    extra = rng.random()
                    later = time + timedelta(hours=rng.randint(50, 120))
                    if extra < 0.25:
                        rating = rng.randint(1, 5)
                        rows.append(row(customer, "rating_submitted", later, order_id=order_id, rating=rating,
                                        comment="fine, thanks" if rating > 2 else 'noisy, "not happy"'))
                    elif extra < 0.29:
                        rows.append(row(customer, "refund_requested", later, order_id=order_id, refund_type=rng.choice(["full", "partial"])))
                    elif extra < 0.32:
                        rows.append(row(customer, "subscription_started", later, plan=rng.choice(["tea_club", "coffee_club"])))
        roll = rng.random()
        if roll < 0.02:
            rows.append(row(customer, "lead_created", time, channel="social_dm", source=rng.choice(["social", "web_chat", "web_form"]),
                            lead_id=f"L-{customer}", interest="a kitchen renovation"))
        elif roll < 0.06:
            rows.append(row(customer, "coupon_redeemed", time, code=rng.choice(["WEEKLY15", "SPRING50"]), value=139))
        elif roll < 0.09:
            rows.append(row(customer, "sms_link_clicked", time, channel="sms"))
        elif roll < 0.12:
            rows.append(row(customer, "email_open", time, channel="email"))
        time += timedelta(seconds=int(rng.expovariate(1 / (2 * 86400))) + 600)
    return rows[:budget]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = datetime(2024, 3, 1, 0, 0, 0, tzinfo=SHANGHAI)
    out = sys.stdout
    out.write(HEADER + "\n")
    per_customer, extra = divmod(args.events, args.customers)
    for index in range(args.customers):
        customer = f"cust_{index:06d}"
        budget = per_customer + (1 if index < extra else 0)
        for line in customer_events(rng, customer, budget, start):
            out.write(line + "\n")


if __name__ == "__main__":
    main()
