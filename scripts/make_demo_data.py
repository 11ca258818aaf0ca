#!/usr/bin/env python3
"""Generate the synthetic English "demo" intent-classification data set.

Customer-support style requests in five intents (label order is fixed):
``billing``, ``shipping``, ``account``, ``technical``, ``returns``.

Sentences are built from per-intent templates filled from slot word lists and
wrapped in optional politeness openers / closers.  Templates are split
disjointly between train, validation and test, so the evaluation splits use
phrasings that never occur in train (vocabulary overlaps, wording does not).
A fraction of held-out rows also carries a distractor clause mentioning
another intent's vocabulary, to keep the task from being trivially solvable.

The generator uses only the standard library and a fixed seed; running it
twice produces byte-identical files.

Usage::

    python scripts/make_demo_data.py [--out DIR]

The default output directory is ``suites/data/demo`` under the repository
root (located relative to this script).  The data is synthetic, written by
this project, and dedicated to the public domain (CC0 1.0).
"""
from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

SEED = 20240601
LABELS = ["billing", "shipping", "account", "technical", "returns"]
SPLIT_SIZES = {"train": 120, "validation": 30, "test": 50}  # rows per label

# --------------------------------------------------------------------------
# Slot word lists (shared by all intents).
# --------------------------------------------------------------------------
SLOTS: dict[str, list[str]] = {
    "product": [
        "blender", "laptop stand", "coffee maker", "desk lamp", "backpack",
        "phone case", "pair of headphones", "winter jacket", "yoga mat",
        "kettle", "office chair", "water bottle", "keyboard", "rug",
        "set of knives", "smart watch", "pair of sneakers", "mirror",
    ],
    "amount": [
        "$12.99", "$24.50", "$39", "$49.95", "$7.20", "$89", "$120",
        "$15", "$64.30", "$199", "$5.49", "$32.75",
    ],
    "period": [
        "last month", "this week", "yesterday", "in March", "twice this month",
        "on my last invoice", "two days ago", "this morning", "last week",
    ],
    "days": ["three days", "a week", "ten days", "two weeks", "five days", "almost a month"],
    "carrier": ["the courier", "the delivery driver", "the post office", "the carrier", "the shipping company"],
    "place": [
        "my old address", "the wrong city", "a neighbour's house", "the depot",
        "my office", "a pickup point", "the lobby of my building",
    ],
    "account_item": [
        "email address", "password", "username", "phone number",
        "profile picture", "display name", "security questions",
    ],
    "device": [
        "iPhone", "Android phone", "Windows laptop", "Mac", "tablet",
        "Chromebook", "work computer",
    ],
    "app_part": [
        "checkout page", "mobile app", "search bar", "order history page",
        "website", "product page", "shopping cart", "login screen",
    ],
    "error": [
        "an error 500", "a blank white screen", "a spinning wheel forever",
        "a 'something went wrong' message", "a timeout error",
        "an 'unexpected error' popup", "a frozen screen",
    ],
    "reason": [
        "it arrived damaged", "it is the wrong size", "it doesn't fit",
        "I changed my mind", "it is not what I ordered",
        "the colour is different from the photo", "it stopped working after a day",
        "it was a duplicate order",
    ],
}

# --------------------------------------------------------------------------
# Templates per intent.  The first block of each list goes to train, the
# next to validation, the rest to test (see TEMPLATE_SPLIT below).
# --------------------------------------------------------------------------
TEMPLATES: dict[str, list[str]] = {
    "billing": [
        # train
        "I was charged {amount} twice {period}.",
        "Why is there a charge of {amount} on my card {period}?",
        "My invoice shows {amount} but I expected less.",
        "Can you explain the {amount} fee on my statement?",
        "I need a copy of the invoice for my {product}.",
        "My credit card was billed {amount} for an order I never placed.",
        "How do I update the card you charge for my subscription?",
        "The price I paid for the {product} was higher than advertised.",
        "I want to cancel my subscription before the next payment.",
        "Is there a way to pay for the {product} in instalments?",
        "The promo code was not applied and I paid {amount} extra.",
        "You took {amount} from my bank account {period} without asking.",
        # validation
        "There is an unknown {amount} payment from your company {period}.",
        "My receipt for the {product} has the wrong tax amount.",
        "Please stop billing me, I already ended the plan.",
        # test
        "I see a duplicate transaction of {amount} from {period}, can that be reversed?",
        "Could someone check why my bank statement lists {amount} from you?",
        "The total at checkout for the {product} did not match what was debited.",
        "My membership renewed automatically and I got debited {amount}.",
        "I'd like a VAT invoice for the {product} I bought {period}.",
        "Was I overcharged? The {product} cost me {amount} more than the listed price.",
    ],
    "shipping": [
        # train
        "Where is my {product}? It has been {days} since I ordered.",
        "My tracking number hasn't updated in {days}.",
        "The {product} was delivered to {place} instead of my home.",
        "When will my order of the {product} arrive?",
        "{carrier} says the {product} was delivered but I never got it.",
        "Can I change the delivery address for my {product}?",
        "Do you ship to Canada and how long does it take?",
        "My package has been stuck at {place} for {days}.",
        "How much does express delivery cost for a {product}?",
        "The delivery date for my {product} keeps getting pushed back.",
        "I missed the delivery, can {carrier} try again tomorrow?",
        "Is it possible to pick up my {product} from {place}?",
        # validation
        "The parcel with my {product} seems lost in transit.",
        "{carrier} left a note but the {product} never showed up.",
        "Has my {product} even left the warehouse yet?",
        # test
        "It's been {days} and the {product} still says 'in transit', any news?",
        "Could you tell me the estimated arrival time of my parcel?",
        "I think {carrier} dropped my box at {place} by mistake.",
        "The shipment for my {product} hasn't moved for {days}, what is going on?",
        "Can the courier leave the {product} with a neighbour if I'm out?",
        "Nobody has brought my order yet and it was meant to come {period}.",
    ],
    "account": [
        # train
        "How do I change my {account_item}?",
        "I forgot my password and can't sign in.",
        "Please delete my account and all my data.",
        "I want to update the {account_item} on my profile.",
        "Someone else may have access to my account, what should I do?",
        "My account got locked after too many login attempts.",
        "Can I merge my two accounts into one?",
        "I never received the verification email for my account.",
        "How can I turn on two-factor authentication?",
        "I'd like to unsubscribe from your marketing emails.",
        "The {account_item} on my profile is wrong and I can't edit it.",
        "I want to close my account permanently.",
        # validation
        "The reset link for my {account_item} has expired.",
        "How do I stop my account from sharing my data?",
        "I can't verify my {account_item}, the code never comes.",
        # test
        "Is it possible to rename my profile? I want a new {account_item}.",
        "I think my login details were stolen, please secure my profile.",
        "Could you help me recover access to my profile? I no longer know my {account_item}.",
        "Please remove my personal information from your systems.",
        "I signed up twice by accident, can the two profiles be combined?",
        "Where in the settings do I edit my {account_item}?",
    ],
    "technical": [
        # train
        "The {app_part} shows {error} when I open it.",
        "Your {app_part} keeps crashing on my {device}.",
        "I get {error} every time I try to pay.",
        "The {app_part} is very slow on my {device}.",
        "Images on the {app_part} are not loading.",
        "The {app_part} won't open after the latest update.",
        "I click the button on the {app_part} and nothing happens.",
        "Your app drains the battery on my {device}.",
        "The {app_part} looks broken in my browser.",
        "Push notifications stopped working on my {device}.",
        "I can't add the {product} to the cart, the page just reloads.",
        "The {app_part} logs me out every few minutes on my {device}.",
        # validation
        "Since this morning the {app_part} only gives me {error}.",
        "The app freezes on my {device} whenever I scroll.",
        "Buttons on the {app_part} overlap and I can't tap them.",
        # test
        "Is the site down? The {app_part} just returns {error}.",
        "After updating my {device}, the app refuses to start.",
        "There seems to be a bug: the {app_part} won't let me type anything.",
        "Whenever I use the {app_part} on my {device} I see {error}.",
        "The page layout is completely messed up on my {device}.",
        "Could you look into a glitch where the {app_part} goes blank?",
    ],
    "returns": [
        # train
        "I want to return the {product} because {reason}.",
        "How do I send back the {product}?",
        "Can I get a refund for the {product}? {reason_cap}.",
        "I'd like to exchange the {product} for a different size.",
        "What is your return policy for a {product}?",
        "I returned the {product} {days} ago and still have no refund.",
        "Please send me a return label for the {product}.",
        "Can I swap the {product} for another colour?",
        "The {product} is faulty, I want my money back.",
        "Is it too late to return the {product} I bought {period}?",
        "Do I have to pay for return shipping on the {product}?",
        "My refund for the {product} was only partial.",
        # validation
        "I'd like to take the {product} back to a store, is that allowed?",
        "The {product} is unused, can I get my money back?",
        "{reason_cap}, so I want to send the {product} back.",
        # test
        "{reason_cap}. What are the steps to get reimbursed for the {product}?",
        "Could I replace the {product} with a newer model instead of keeping it?",
        "I no longer want the {product}; how do I arrange to give it back?",
        "You received my parcel with the {product} {days} ago, where is my reimbursement?",
        "Can I bring the {product} back even without the original box?",
        "The {product} broke after one use, I'd like it replaced or refunded.",
    ],
}
TEMPLATE_SPLIT = {"train": (0, 12), "validation": (12, 15), "test": (15, 21)}

# Politeness wrappers.  Split too, so held-out splits also see new framing.
OPENERS = {
    "train": ["", "", "", "Hi, ", "Hello, ", "Hi there, ", "Good morning, ",
              "Excuse me, ", "Quick question: "],
    "validation": ["", "", "Hey, ", "Hello team, "],
    "test": ["", "", "Dear support, ", "Hey there, ", "Sorry to bother you, ",
             "Good afternoon, "],
}
CLOSERS = {
    "train": ["", "", "", " Thanks.", " Thank you!", " Please help.",
              " Thanks in advance.", " Any help is appreciated."],
    "validation": ["", "", " Cheers.", " Thank you so much."],
    "test": ["", "", " Much appreciated.", " Looking forward to your reply.",
             " Kind regards.", " I'd appreciate a quick answer."],
}

# Distractor clauses mention another intent's vocabulary without changing the
# actual request.  Used only in validation/test (with some probability).
DISTRACTORS = {
    "billing": ["I already paid for it,", "the payment went through fine,"],
    "shipping": ["the parcel arrived on time,", "delivery was quick,"],
    "account": ["I'm logged in to my account,", "I checked my profile,"],
    "technical": ["the app works fine otherwise,", "the website loaded ok,"],
    "returns": ["I don't want a refund,", "I'm not returning anything,"],
}
DISTRACTOR_RATE = {"train": 0.0, "validation": 0.25, "test": 0.35}


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s and not s.startswith("I ") and not s.startswith("I'") else s


def _fill(template: str, rng: random.Random) -> str:
    values: dict[str, str] = {}
    for key, options in SLOTS.items():
        if "{" + key + "}" in template:
            values[key] = rng.choice(options)
    if "{reason_cap}" in template:
        reason = rng.choice(SLOTS["reason"])
        values["reason_cap"] = reason[:1].upper() + reason[1:]
    return template.format(**values)


def _sentence(label: str, split: str, rng: random.Random) -> str:
    lo, hi = TEMPLATE_SPLIT[split]
    body = _fill(rng.choice(TEMPLATES[label][lo:hi]), rng)
    if rng.random() < DISTRACTOR_RATE[split]:
        other = rng.choice([x for x in LABELS if x != label])
        clause = rng.choice(DISTRACTORS[other])
        body = clause[:1].upper() + clause[1:] + " but " + _lower_first(body)
    opener = rng.choice(OPENERS[split])
    if opener and body[:1].isupper():
        body = _lower_first(body)
    return (opener + body + rng.choice(CLOSERS[split])).strip()


def generate(seed: int = SEED) -> dict[str, list[tuple[str, str]]]:
    rng = random.Random(seed)
    seen: set[str] = set()  # texts are unique across all splits
    out: dict[str, list[tuple[str, str]]] = {}
    for split, per_label in SPLIT_SIZES.items():
        rows: list[tuple[str, str]] = []
        for label in LABELS:
            n, tries = 0, 0
            while n < per_label:
                tries += 1
                if tries > per_label * 200:
                    raise RuntimeError(f"cannot make {per_label} unique {label} rows for {split}")
                text = _sentence(label, split, rng)
                if text in seen:
                    continue
                seen.add(text)
                rows.append((text, label))
                n += 1
        rng.shuffle(rows)
        out[split] = rows
    return out


README = """\
# demo: synthetic customer-support intent classification

A small English text-classification data set generated by this project for
demos, smoke tests and CI of the evaluation harness.

* Task: classify a customer-support request into one of 5 intents.
* Labels (in this order): `billing`, `shipping`, `account`, `technical`, `returns`.
* Files: `train.csv` ({train} rows), `validation.csv` ({validation} rows),
  `test.csv` ({test} rows); balanced across labels; header `text,label`
  where `label` is the label name.

## How it was made

Generated deterministically (standard library only, fixed seed) by

    python scripts/make_demo_data.py            # or: --out DIR

Sentences are built from per-intent templates and slot word lists, with
optional greetings and sign-offs.  The templates (and greetings) used for
validation and test are disjoint from those used for train, so the held-out
splits contain phrasings never seen in training; some held-out rows also
contain a distractor clause mentioning another intent.  All texts are unique
across splits.  Re-running the script reproduces the files byte for byte.

## Licence

Synthetic data written by this project; no real customers or third-party text.
Dedicated to the public domain under CC0 1.0
(https://creativecommons.org/publicdomain/zero/1.0/).
"""


def main(argv: list[str] | None = None) -> None:
    repo_root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=repo_root / "suites" / "data" / "demo",
                        help="output directory (default: suites/data/demo under the repo root)")
    args = parser.parse_args(argv)
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)

    data = generate()
    for split, rows in data.items():
        with open(out_dir / f"{split}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["text", "label"])
            writer.writerows(rows)
    counts = {split: len(rows) for split, rows in data.items()}
    (out_dir / "README.md").write_text(README.format(**counts), encoding="utf-8", newline="\n")
    print(f"wrote {counts} to {out_dir}")


if __name__ == "__main__":
    main()
