"""HubSpot's official Python SDK reading one contact from the mock, timed.

Usage: python python_read.py BASE_URL TOKEN COUNT WARMUP
Prints a JSON list of per-call durations in nanoseconds.
"""

import json
import sys
import time

import hubspot


def main() -> None:
    base_url, token, count, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    client = hubspot.Client.create(access_token=token, host=base_url)
    contacts = client.crm.contacts.basic_api
    samples = []
    for n in range(warmup + count):
        started = time.perf_counter_ns()
        contact = contacts.get_by_id(contact_id="1", properties=["email", "firstname"])
        elapsed = time.perf_counter_ns() - started
        if contact.id != "1":
            raise SystemExit(f"unexpected answer: {contact}")
        if n >= warmup:
            samples.append(elapsed)
    print(json.dumps(samples))


if __name__ == "__main__":
    main()
