"""Demo curriculum: three tracks and a dozen realistic modules. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from attendees.models import User

from .models import Material, Module, ModuleRevision, Track

TRACKS = [
    (
        "crypto-fundamentals",
        "Crypto fundamentals",
        "How blockchains, wallets and tokens work, seen from an investigator's desk.",
    ),
    (
        "blockchain-forensics",
        "Blockchain forensics",
        "Following funds on-chain: tracing, clustering and attribution.",
    ),
    (
        "cybercrime-investigation",
        "Cybercrime investigation methods",
        "From first report to seizure and court: process, cooperation and evidence.",
    ),
]


def _body(intro: str, sections: list[tuple[str, list[str]]], exercise: str) -> str:
    parts = [intro, ""]
    for heading, bullets in sections:
        parts += [f"## {heading}", ""] + [f"- {b}" for b in bullets] + [""]
    parts += ["## Exercise", "", exercise, ""]
    return "\n".join(parts)


# slug, track, title, level, minutes, objectives, body, state, revisions, prerequisite slugs
MODULES = [
    (
        "bitcoin-utxo-model",
        "crypto-fundamentals",
        "Bitcoin and the UTXO model",
        "introductory",
        120,
        [
            "Explain how a Bitcoin transaction spends and creates outputs",
            "Read a transaction in a block explorer: inputs, outputs, change, fee",
            "Recognise common address types (P2PKH, P2SH, bech32, taproot)",
        ],
        _body(
            "Bitcoin does not keep balances: it keeps **unspent transaction outputs** (UTXOs). "
            "Every investigation that touches Bitcoin starts from reading transactions correctly.",
            [
                (
                    "Key ideas",
                    [
                        "An input fully spends a previous output; the remainder returns as change",
                        "The fee is the difference between inputs and outputs",
                        "Confirmations and block time give an ordering, not a wall-clock proof",
                    ],
                ),
                (
                    "Investigator pitfalls",
                    [
                        "Treating every output as a payment (one is usually change)",
                        "Assuming one address equals one person",
                    ],
                ),
            ],
            "Given the transaction in the handout, identify the likely change output and "
            "justify your choice in two sentences.",
        ),
        "published",
        2,
        [],
    ),
    (
        "ethereum-accounts-smart-contracts",
        "crypto-fundamentals",
        "Ethereum accounts and smart contracts",
        "introductory",
        120,
        [
            "Distinguish externally owned accounts from contract accounts",
            "Follow token transfers (ERC-20, ERC-721) through event logs",
            "Explain internal transactions and why explorers show them separately",
        ],
        _body(
            "Ethereum keeps **account balances** and runs code in smart contracts. Token "
            "movements live in event logs, not in the transaction value field.",
            [
                (
                    "Key ideas",
                    [
                        "Nonce, gas and the sender: what a transaction proves",
                        "Token transfers are contract calls that emit `Transfer` events",
                        "Approvals let a contract move tokens later: check them in thefts",
                    ],
                )
            ],
            "Trace a USDT transfer from the case file through two contracts and note each "
            "event that moved value.",
        ),
        "published",
        1,
        ["bitcoin-utxo-model"],
    ),
    (
        "stablecoins-on-off-ramps",
        "crypto-fundamentals",
        "Stablecoins and on/off-ramps",
        "intermediate",
        90,
        [
            "Explain how fiat-backed stablecoins are issued, redeemed and frozen",
            "Identify on/off-ramps: exchanges, OTC desks, payment processors and ATMs",
            "Know when an issuer freeze request is possible and what it needs",
        ],
        _body(
            "Most illicit value today moves as **stablecoins** on low-fee chains. Issuers can "
            "freeze tokens; ramps hold customer data.",
            [
                (
                    "Where the money meets the real world",
                    [
                        "Centralised exchanges and their KYC records",
                        "OTC brokers and peer-to-peer platforms",
                        "Crypto ATMs and card programmes",
                    ],
                )
            ],
            "List the ramps visible in the case graph and draft the first question you would "
            "ask each one.",
        ),
        "published",
        1,
        ["ethereum-accounts-smart-contracts"],
    ),
    (
        "clustering-heuristics",
        "blockchain-forensics",
        "Clustering heuristics",
        "intermediate",
        180,
        [
            "Apply the common-input-ownership heuristic and know when it fails",
            "Detect change outputs by script type, amount and behaviour",
            "Document a clustering decision so that it survives cross-examination",
        ],
        _body(
            "Clustering groups addresses likely controlled by the same entity. It is "
            "probabilistic: every heuristic needs a stated confidence.",
            [
                (
                    "Heuristics",
                    [
                        "Common-input ownership (broken by CoinJoin and PayJoin)",
                        "Change detection: script type reuse, round amounts, fresh addresses",
                        "Behavioural patterns: consolidation, peel chains",
                    ],
                ),
                (
                    "Documenting",
                    ["Record heuristic, evidence and confidence for each merge"],
                ),
            ],
            "Cluster the twelve addresses in the case file and rate each merge as strong, "
            "moderate or weak.",
        ),
        "published",
        2,
        ["bitcoin-utxo-model"],
    ),
    (
        "tracing-mixers-coinjoin",
        "blockchain-forensics",
        "Tracing through mixers and CoinJoin",
        "advanced",
        180,
        [
            "Recognise centralised mixers, CoinJoin rounds and smart-contract mixers",
            "Estimate what can and cannot be traced through each",
            "Use timing and amount analysis on post-mix spending",
        ],
        _body(
            "Mixing breaks the simple link between inputs and outputs. Tracing continues on "
            "**behaviour after the mix**: timing, amounts and consolidation.",
            [
                (
                    "Approaches",
                    [
                        "Equal-output CoinJoin: identify the round and the unmixed change",
                        "Deposit/withdrawal matching for contract mixers",
                        "Post-mix consolidation mistakes",
                    ],
                )
            ],
            "Find the post-mix consolidation in the exercise data and explain your confidence.",
        ),
        "published",
        1,
        ["clustering-heuristics"],
    ),
    (
        "cross-chain-bridges-swaps",
        "blockchain-forensics",
        "Cross-chain bridges and swaps",
        "advanced",
        120,
        [
            "Follow funds across a bridge by matching deposit and release events",
            "Trace through decentralised exchanges and instant swap services",
            "Recognise chain-hopping as a laundering pattern",
        ],
        _body(
            "Launderers hop between chains to break single-chain tools. Bridges and swaps "
            "leave matching events on both sides.",
            [
                (
                    "Method",
                    [
                        "Locate the lock/burn event and the mint/release on the target chain",
                        "Match by amount, time window and bridge message id",
                    ],
                )
            ],
            "Follow the stolen funds from Ethereum to Tron in the case file.",
        ),
        "in_review",
        0,
        ["ethereum-accounts-smart-contracts", "clustering-heuristics"],
    ),
    (
        "ransomware-payment-tracing",
        "blockchain-forensics",
        "Ransomware payment tracing",
        "intermediate",
        150,
        [
            "Identify the ransom payment and the affiliate/operator split",
            "Follow proceeds to cash-out points",
            "Package findings for partners and victims",
        ],
        _body(
            "Ransomware payments follow recognisable flows: payment, split between operator "
            "and affiliate, then laundering.",
            [
                (
                    "Flow",
                    [
                        "Victim payment address and negotiation evidence",
                        "Affiliate split percentages",
                        "Laundering through swaps, mixers and exchanges",
                    ],
                )
            ],
            "Reconstruct the split in the exercise and compute each party's share.",
        ),
        "published",
        1,
        ["clustering-heuristics"],
    ),
    (
        "seizing-securing-crypto-assets",
        "cybercrime-investigation",
        "Seizing and securing crypto assets",
        "intermediate",
        180,
        [
            "Plan a seizure: devices, seed phrases, exchanges and custodians",
            "Move seized assets to agency-controlled wallets with four-eyes control",
            "Keep a continuity record from search to storage",
        ],
        _body(
            "A seizure is won or lost in the planning. Keys can be copied, so speed and "
            "**control of the keys** matter more than the device.",
            [
                (
                    "Checklist",
                    [
                        "Search for seed phrases on paper, devices and cloud backups",
                        "Transfer to an agency wallet under documented dual control",
                        "Record every transaction hash in the continuity log",
                    ],
                )
            ],
            "Draft the seizure plan for the search warrant scenario.",
        ),
        "published",
        1,
        [],
    ),
    (
        "working-with-exchanges",
        "cybercrime-investigation",
        "Working with exchanges: requests and preservation",
        "introductory",
        90,
        [
            "Write a preservation request an exchange can act on",
            "Know which records exchanges keep and how long",
            "Choose between direct requests and mutual legal assistance",
        ],
        _body(
            "Exchanges hold the identities behind addresses. A precise request gets a fast "
            "answer; a vague one gets a questionnaire.",
            [
                (
                    "A good request",
                    [
                        "Addresses, transaction hashes and time windows",
                        "Legal basis and urgency",
                        "Exactly which records: KYC, logins, IPs, linked accounts",
                    ],
                )
            ],
            "Turn the sample request in the handout into one that an exchange can act on.",
        ),
        "published",
        1,
        [],
    ),
    (
        "darknet-market-investigations",
        "cybercrime-investigation",
        "Darknet market investigations",
        "advanced",
        180,
        [
            "Map a darknet market's escrow and payout flows",
            "Link vendor accounts to real-world identities using on-chain and OSINT clues",
            "Coordinate takedowns with partner agencies",
        ],
        _body(
            "Markets concentrate value in escrow wallets and pay out vendors regularly: both "
            "are visible on-chain.",
            [("Focus", ["Escrow wallets", "Vendor payouts", "Operational security mistakes"])],
            "Identify the vendor payout pattern in the exercise data.",
        ),
        "published",
        1,
        ["clustering-heuristics"],
    ),
    (
        "osint-for-crypto-cases",
        "cybercrime-investigation",
        "Open-source intelligence for crypto cases",
        "introductory",
        120,
        [
            "Search addresses and handles across forums, social media and paste sites",
            "Preserve online evidence with hashes and timestamps",
            "Respect legal limits of open-source research",
        ],
        _body(
            "Addresses are reused in donation pages, forum signatures and scam sites. OSINT "
            "often supplies the link the chain cannot.",
            [
                (
                    "Sources",
                    ["Search engines and archives", "Forums and social media", "Domain records"],
                )
            ],
            "Find two public mentions of the address in the case file and preserve them.",
        ),
        "draft",
        0,
        [],
    ),
    (
        "case-building-court-reporting",
        "cybercrime-investigation",
        "Case building and court-ready reporting",
        "intermediate",
        120,
        [
            "Structure a tracing report for prosecutors and courts",
            "Present heuristics and confidence honestly",
            "Prepare graphics a non-specialist can follow",
        ],
        _body(
            "A tracing result only matters if it is understood and accepted in court.",
            [
                (
                    "Report structure",
                    [
                        "Summary of findings",
                        "Method and tools, with versions",
                        "Each hop with evidence and confidence",
                    ],
                )
            ],
            "Rewrite the draft findings in the handout for a non-specialist judge.",
        ),
        "published",
        1,
        ["clustering-heuristics"],
    ),
]


def _pdf(title: str, lines: list[str]) -> bytes:
    """A minimal, valid one-page PDF with text: no network, no extra dependency."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = ["BT", "/F1 18 Tf", "72 760 Td", f"({esc(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text += ["0 -22 Td", f"({esc(line)}) Tj"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


MATERIALS = [
    ("bitcoin-utxo-model", "Transaction reading worksheet", "handout", False),
    ("clustering-heuristics", "Clustering exercise case file", "case_file", True),
    ("seizing-securing-crypto-assets", "Seizure planning checklist", "handout", False),
]


FORENSICS_WORDING = {
    "en": "has completed the blockchain forensics workshop “{workshop}” ({hours} hours), {dates}",
    "es": "ha completado el taller de análisis forense de blockchain «{workshop}» ({hours} horas), "
    "{dates}",
}


def seed() -> list:
    trainer = User.objects.get(email="trainer@training.example.org")
    publisher = User.objects.get(email="coord.apac@training.example.org")
    tracks = {}
    for position, (slug, name, description) in enumerate(TRACKS):
        tracks[slug], _ = Track.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    # Forensics methods age: its certificates are valid three years, with the program's own
    # sentence in two languages (the others print the site's).
    forensics = tracks["blockchain-forensics"]
    if forensics.validity_months is None and not forensics.certificate_wording:
        forensics.validity_months = 36
        forensics.certificate_wording = FORENSICS_WORDING
        forensics.save(update_fields=["validity_months", "certificate_wording"])
    modules = {}
    for slug, track, title, level, minutes, objectives, body, state, _revs, _pre in MODULES:
        module, _ = Module.objects.update_or_create(
            slug=slug,
            defaults={
                "track": tracks[track],
                "title": title,
                "level": level,
                "duration_minutes": minutes,
                "objectives": "\n".join(objectives),
                "body": body,
                "status": state,
                "submitted_at": timezone.now() if state == "in_review" else None,
            },
        )
        module.authors.add(trainer)
        modules[slug] = module
    for slug, *_rest, prerequisites in MODULES:
        modules[slug].prerequisites.set([modules[p] for p in prerequisites])
    base_date = timezone.now() - dt.timedelta(days=200)
    for slug, _t, title, level, minutes, objectives, body, _s, revs, prerequisites in MODULES:
        module = modules[slug]
        for number in range(1, revs + 1):
            latest = number == revs
            # The first of two revisions lacks the exercise and one objective: the diff shows it.
            rev_body = body if latest else body.split("## Exercise")[0].rstrip() + "\n"
            rev_objectives = objectives if latest else objectives[:-1]
            revision = ModuleRevision.objects.filter(module=module, number=number).first()
            if revision is None:
                revision = ModuleRevision.objects.create(
                    module=module,
                    number=number,
                    track=module.track,
                    title=title,
                    level=level,
                    duration_minutes=minutes,
                    objectives="\n".join(rev_objectives),
                    body=rev_body,
                    prerequisite_ids=sorted(modules[p].pk for p in prerequisites),
                    published_by=publisher,
                    published_at=base_date + dt.timedelta(days=30 * number),
                )
            if latest and module.published_revision_id != revision.pk:
                Module.objects.filter(pk=module.pk).update(published_revision=revision)
    for slug, title, kind, attendees_only in MATERIALS:
        module = modules[slug]
        if Material.objects.filter(module=module, title=title).exists():
            continue
        data = _pdf(
            title,
            [module.title, "Restricted: for vetted law-enforcement training only."]
            + [f"- {o}" for o in module.objectives.splitlines()],
        )
        material = Material(
            module=module,
            title=title,
            kind=kind,
            original_name=f"{slug}-{kind}.pdf",
            content_type="application/pdf",
            size=len(data),
            attendees_only=attendees_only,
            uploaded_by=trainer,
            # Uploaded with the first revision, so it was released when that was published.
            created_at=base_date,
        )
        material.file.save(material.original_name, ContentFile(data), save=False)
        material.save()
    return []
