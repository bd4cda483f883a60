"""The schemathesis tags (one per entity, and the token endpoint's) a run tests, as a regex
alternation: the token endpoint, the seed entities, and COUNT others drawn with SEED.

Usage: sample-tags.py OPENAPI.json COUNT|all SEED
"""
import json
import random
import re
import sys

document, count, seed = sys.argv[1], sys.argv[2], sys.argv[3]
tags = [t["name"] for t in json.load(open(document))["tags"]]
always = ["Authentication", "CoworkerDiscountCode", "CoworkerBookingCredit"]
others = sorted(t for t in tags if t not in always)
if count != "all":
    others = sorted(random.Random(seed).sample(others, min(int(count), len(others))))
print("|".join(re.escape(t) for t in always + others))
