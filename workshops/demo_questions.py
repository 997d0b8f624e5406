"""Demo question banks: a few questions per demo module, frozen into its revisions. Idempotent."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from attendees.models import User

from .models import Module, ModuleRevision, Question
from .services.questions import freeze_question_bank

# A question: (kind, index of the module's objective or None, text, answer, explanation).
# The answer of a choice question is [(option, right), ...]; of a true/false one a bool; of a
# numeric one (answer, accepted difference).
S, M, T, N = "single", "multiple", "true_false", "numeric"

BANKS: dict[str, list[tuple]] = {
    "bitcoin-utxo-model": [
        (
            S,
            0,
            "A transaction spends one 0.8 BTC output to pay 0.3 BTC. What normally happens "
            "to the rest?",
            [
                ("It returns to the sender as a change output", True),
                ("It stays in the spent output for later", False),
                ("It goes to the miner as a reward", False),
                ("It is burnt", False),
            ],
            "An input is always spent in full; whatever is not paid out or left as fee comes "
            "back as change.",
        ),
        (
            N,
            1,
            "Inputs total 1.00000000 BTC and the outputs 0.99985000 BTC. What is the fee in "
            "satoshis?",
            (Decimal(15000), Decimal(0)),
            "The fee is inputs minus outputs: 0.00015 BTC, i.e. 15,000 satoshis.",
        ),
        (
            N,
            0,
            "How many confirmations do most exchanges wait for before crediting a Bitcoin "
            "deposit as final?",
            (Decimal(6), Decimal(3)),
            "Six confirmations (about an hour) is the usual rule; some exchanges accept three, "
            "others wait longer for large amounts.",
        ),
        (
            M,
            2,
            "Which of these are Bitcoin address formats?",
            [
                ("P2PKH, starting with 1", True),
                ("P2SH, starting with 3", True),
                ("bech32, starting with bc1q", True),
                ("0x followed by 40 hex characters", False),
            ],
            "Addresses starting 0x are Ethereum-style accounts, not Bitcoin.",
        ),
        (
            T,
            1,
            "A block explorer's timestamp proves the exact moment a payment was made.",
            False,
            "Block time is set by the miner within a tolerance: it orders transactions but is "
            "no wall-clock proof.",
        ),
        (
            T,
            None,
            "One Bitcoin address always belongs to one person.",
            False,
            "Exchanges, custodians and shared wallets put many people behind one address.",
        ),
    ],
    "ethereum-accounts-smart-contracts": [
        (
            S,
            0,
            "Which kind of Ethereum account can start a transaction on its own?",
            [
                ("An externally owned account (EOA)", True),
                ("A contract account", False),
                ("Both, equally", False),
            ],
            "Only a key-holding EOA signs transactions; contracts act when called.",
        ),
        (
            S,
            1,
            "Where do you find an ERC-20 token transfer?",
            [
                ("In the Transfer event logs of the token contract", True),
                ("In the transaction's value field", False),
                ("In the sender's nonce", False),
            ],
            "Token transfers are contract calls; the value field holds ETH only.",
        ),
        (
            T,
            2,
            "Internal transactions are separate signed transactions on the chain.",
            False,
            "They are value transfers made by contract code during one transaction, which "
            "explorers reconstruct from traces.",
        ),
        (
            M,
            1,
            "Which of these are token standards on Ethereum?",
            [("ERC-20", True), ("ERC-721", True), ("BIP-32", False), ("ERC-1155", True)],
            "BIP-32 is Bitcoin's hierarchical deterministic wallet standard.",
        ),
        (
            N,
            0,
            "How many hexadecimal characters follow the 0x of an Ethereum address?",
            (Decimal(40), Decimal(0)),
            "An address is 20 bytes: 40 hex characters.",
        ),
        (
            T,
            None,
            "A token approval lets a contract move the owner's tokens later without a new "
            "signature from the owner.",
            True,
            "That is why approvals matter in thefts: check them first.",
        ),
    ],
    "stablecoins-on-off-ramps": [
        (
            S,
            0,
            "Who can freeze USDT held at an address?",
            [
                ("The issuer, Tether", True),
                ("Any validator of the chain", False),
                ("The exchange that sold it, at any time", False),
            ],
            "Fiat-backed stablecoin contracts give the issuer a freeze function.",
        ),
        (
            M,
            1,
            "Which of these are on/off-ramps?",
            [
                ("A centralised exchange", True),
                ("An OTC desk", True),
                ("A crypto ATM", True),
                ("A block explorer", False),
            ],
            "A ramp converts between crypto and fiat and usually holds customer records.",
        ),
        (
            T,
            2,
            "An issuer freeze request usually needs the addresses, the amounts and a legal "
            "basis from the requesting agency.",
            True,
            "Issuers act on specific addresses with a lawful request; send it early.",
        ),
        (
            N,
            0,
            "A fiat-backed stablecoin aims at a value of how many US dollars per token?",
            (Decimal(1), Decimal(0)),
            "USDT and USDC target one dollar each.",
        ),
        (
            S,
            1,
            "Which ramp is most likely to hold identity records of its customers?",
            [
                ("A regulated exchange with KYC", True),
                ("A decentralised exchange", False),
                ("A self-hosted wallet", False),
            ],
            "Regulated exchanges must identify customers; decentralised protocols do not.",
        ),
        (
            T,
            None,
            "Most illicit value today moves as stablecoins on low-fee chains.",
            True,
            "Stable value and cheap transfers make them the preferred medium.",
        ),
    ],
    "clustering-heuristics": [
        (
            S,
            0,
            "What does the common-input-ownership heuristic assume?",
            [
                ("Inputs spent together in one transaction belong to one owner", True),
                ("Outputs of one transaction belong to one owner", False),
                ("Addresses used on the same day belong to one owner", False),
            ],
            "It holds for ordinary wallets and breaks on CoinJoin and PayJoin.",
        ),
        (
            M,
            0,
            "When does the common-input-ownership heuristic fail?",
            [
                ("CoinJoin transactions", True),
                ("PayJoin transactions", True),
                ("A single-wallet consolidation", False),
            ],
            "Collaborative transactions combine inputs of several owners on purpose.",
        ),
        (
            S,
            1,
            "Which output is most likely the change?",
            [
                ("The one with the same script type as the inputs and a non-round amount", True),
                ("The one with a round amount such as 0.5 BTC", False),
                ("Always the first output", False),
            ],
            "Payments are often round; change follows the sender's wallet script type.",
        ),
        (
            T,
            2,
            "A clustering decision should be recorded with the heuristic used and its "
            "known weaknesses.",
            True,
            "Defence counsel will ask why two addresses were linked: write it down.",
        ),
        (
            N,
            1,
            "A transaction has one input of 2 BTC, outputs of 1.5 BTC and 0.4999 BTC. How much "
            "is the fee in BTC?",
            (Decimal("0.0001"), Decimal(0)),
            "2 − 1.5 − 0.4999 = 0.0001 BTC.",
        ),
        (
            T,
            None,
            "Clustering results from a commercial tool can be presented in court without "
            "explanation.",
            False,
            "The investigator must be able to explain and justify every link.",
        ),
    ],
    "tracing-mixers-coinjoin": [
        (
            S,
            0,
            "What characterises a CoinJoin round?",
            [
                ("Many equal-value outputs from many participants' inputs", True),
                ("A single input and a single output", False),
                ("A deposit into a smart contract", False),
            ],
            "Equal outputs hide which input paid which output.",
        ),
        (
            M,
            0,
            "Which of these are mixing services or techniques?",
            [
                ("Centralised mixers", True),
                ("CoinJoin", True),
                ("Smart-contract mixers", True),
                ("Hardware wallets", False),
            ],
            "A hardware wallet stores keys; it does not mix.",
        ),
        (
            T,
            1,
            "Funds through a CoinJoin can never be traced.",
            False,
            "Post-mix behaviour, timing and amounts often link funds again.",
        ),
        (
            S,
            2,
            "Post-mix, a user consolidates several mixed outputs in one transaction. What does "
            "this allow?",
            [
                ("Linking those outputs to one owner again", True),
                ("Nothing: mixed outputs stay anonymous", False),
            ],
            "Consolidation undoes much of the mixing.",
        ),
        (
            N,
            2,
            "A mixer deposit of 10 BTC comes out as withdrawals 3 hours later. If the mixer "
            "charges 2%, how many BTC do you expect to come out?",
            (Decimal("9.8"), Decimal("0.01")),
            "10 BTC less a 2% fee is 9.8 BTC: amount analysis starts from the fee.",
        ),
        (
            T,
            1,
            "Timing analysis compares when funds enter and leave a mixer.",
            True,
            "Short delays and matching amounts narrow the candidates.",
        ),
    ],
    "cross-chain-bridges-swaps": [
        (
            S,
            0,
            "How do you follow funds across a bridge?",
            [
                ("Match the deposit event on one chain with the release on the other", True),
                ("Look for the same address on both chains", False),
                ("Bridges cannot be followed", False),
            ],
            "Bridges log deposits and releases; amounts and times link them.",
        ),
        (
            M,
            1,
            "Which are decentralised exchanges or swap services?",
            [
                ("Uniswap", True),
                ("An instant swap service without accounts", True),
                ("A bank wire", False),
            ],
            "Both swap assets without an account holding the funds in between.",
        ),
        (
            T,
            2,
            "Chain-hopping moves funds through several blockchains to break the trail.",
            True,
            "Each hop adds a bridge or swap the investigator has to match.",
        ),
        (
            N,
            0,
            "A bridge deposit of 50,000 USDC comes out as 49,950 USDC. What fee in USDC did "
            "the bridge take?",
            (Decimal(50), Decimal(0)),
            "The difference is the bridge fee.",
        ),
        (
            T,
            1,
            "An instant swap service may hold customer records despite having no accounts.",
            True,
            "Many keep IP addresses and refund addresses: ask them.",
        ),
        (
            S,
            None,
            "What is the first thing to record when funds enter a bridge?",
            [
                ("The deposit transaction, amount, time and destination chain", True),
                ("The bridge's marketing name only", False),
            ],
            "These are what you match on the destination chain.",
        ),
    ],
    "ransomware-payment-tracing": [
        (
            S,
            0,
            "A ransom is split at the first hop into 80% and 20%. What is the usual reading?",
            [
                ("Affiliate share and operator share", True),
                ("Payment and change", False),
                ("Two different victims", False),
            ],
            "Ransomware-as-a-service splits each payment between affiliate and operator.",
        ),
        (
            N,
            0,
            "A ransom of 50 BTC is split 80/20 between affiliate and operator. How many BTC "
            "go to the operator?",
            (Decimal(10), Decimal(0)),
            "20% of 50 BTC is 10 BTC.",
        ),
        (
            M,
            1,
            "Which are common cash-out points for ransomware proceeds?",
            [
                ("Exchanges with weak KYC", True),
                ("OTC brokers", True),
                ("Mixers before an exchange", True),
                ("Mining pools", False),
            ],
            "Proceeds must reach fiat: follow them to where that happens.",
        ),
        (
            T,
            2,
            "Findings for partner agencies should state the confidence of each link.",
            True,
            "Partners act on your findings; they need to know what is certain.",
        ),
        (
            T,
            None,
            "The victim's payment address is usually reused for many victims.",
            False,
            "Most groups generate an address per victim.",
        ),
        (
            S,
            1,
            "Proceeds reach a regulated exchange. What is the first step?",
            [
                ("Send a preservation request for the receiving account", True),
                ("Publish the address on social media", False),
                ("Wait until the funds move again", False),
            ],
            "Preserve first: records and funds can be gone within days.",
        ),
    ],
    "seizing-securing-crypto-assets": [
        (
            M,
            0,
            "What should a seizure plan cover?",
            [
                ("Devices and hardware wallets", True),
                ("Seed phrases written on paper", True),
                ("Accounts at exchanges and custodians", True),
                ("Only the suspect's computer", False),
            ],
            "Keys hide in many places: plan for all of them.",
        ),
        (
            S,
            1,
            "How should seized assets be moved to the agency's wallet?",
            [
                ("Under four-eyes control, to an agency-controlled wallet", True),
                ("By the investigating officer alone, as fast as possible", False),
                ("Left where they are until trial", False),
            ],
            "Two people authorise every move; the record shows who did what.",
        ),
        (
            N,
            0,
            "How many words has a standard BIP-39 seed phrase at most?",
            (Decimal(24), Decimal(0)),
            "BIP-39 phrases have 12, 15, 18, 21 or 24 words.",
        ),
        (
            T,
            2,
            "The continuity record starts when the assets reach the agency's wallet.",
            False,
            "It starts at the search: every step from discovery to storage is recorded.",
        ),
        (
            T,
            1,
            "A test transaction with a small amount before moving the full balance is good "
            "practice.",
            True,
            "It proves the destination before the large transfer.",
        ),
        (
            S,
            None,
            "A seed phrase is found during a search. What do you do with it?",
            [
                ("Photograph, record and secure it as evidence, then follow the plan", True),
                ("Type it into your own phone to check the balance", False),
            ],
            "Never enter a seed on an uncontrolled device.",
        ),
    ],
    "working-with-exchanges": [
        (
            M,
            0,
            "What does a preservation request to an exchange need?",
            [
                ("The addresses or transaction hashes", True),
                ("The time range", True),
                ("The legal basis and a contact", True),
                ("The suspect's confession", False),
            ],
            "Specific identifiers and a legal basis let the exchange act at once.",
        ),
        (
            S,
            1,
            "Which records do exchanges typically keep?",
            [
                ("KYC documents, login IPs and transaction history", True),
                ("Only the current balance", False),
                ("Nothing about their customers", False),
            ],
            "Retention periods vary: ask early.",
        ),
        (
            T,
            2,
            "Mutual legal assistance is always faster than a direct request.",
            False,
            "A direct request, where the law allows it, is usually much faster.",
        ),
        (
            N,
            1,
            "Many jurisdictions require exchanges to keep customer records at least how many "
            "years?",
            (Decimal(5), Decimal(0)),
            "Five years is the usual anti-money-laundering minimum.",
        ),
        (
            T,
            0,
            "A preservation request freezes the account's funds.",
            False,
            "It preserves records; freezing funds needs its own order or the exchange's policy.",
        ),
        (
            S,
            None,
            "The exchange is in another country and asks for a formal request. What next?",
            [
                ("Prepare a mutual legal assistance request, keeping the preservation alive", True),
                ("Drop the lead", False),
            ],
            "Preserve now, request formally, renew the preservation if needed.",
        ),
    ],
    "darknet-market-investigations": [
        (
            S,
            0,
            "What does a darknet market's escrow do?",
            [
                ("Holds the buyer's payment until the order is confirmed", True),
                ("Mixes vendor payouts", False),
                ("Stores the market's source code", False),
            ],
            "Escrow flows show when and where vendors are paid.",
        ),
        (
            M,
            1,
            "Which clues can link a vendor account to a real person?",
            [
                ("Reused PGP keys or handles on other forums", True),
                ("Payouts to an exchange account with KYC", True),
                ("Shipping patterns and packaging", True),
                ("The market's logo", False),
            ],
            "Combine on-chain and open-source clues.",
        ),
        (
            T,
            2,
            "Takedowns of markets are usually coordinated between several agencies.",
            True,
            "Servers, operators and vendors sit in different countries.",
        ),
        (
            N,
            0,
            "A market takes a 4% commission on a 250 USD sale. How many USD does the vendor "
            "receive?",
            (Decimal(240), Decimal(0)),
            "250 less 4% (10 USD) is 240 USD.",
        ),
        (
            T,
            1,
            "Monero payments are as easy to trace as Bitcoin ones.",
            False,
            "Monero hides amounts and participants by design.",
        ),
        (
            S,
            None,
            "Which is the strongest on-chain link to a vendor?",
            [
                ("Payouts landing at an exchange account in their name", True),
                ("A similar username on a forum", False),
            ],
            "KYC records tie an account to a person.",
        ),
    ],
    "osint-for-crypto-cases": [
        (
            S,
            0,
            "Where do you search for an address first?",
            [
                ("Search engines, forums and paste sites", True),
                ("Only the suspect's bank", False),
            ],
            "Addresses often appear in donation pages, scams or forum signatures.",
        ),
        (
            M,
            1,
            "How do you preserve an online page as evidence?",
            [
                ("Save a copy and compute its hash", True),
                ("Record the time and the URL", True),
                ("Remember what it said", False),
            ],
            "A hash and a timestamp show the copy is unchanged.",
        ),
        (
            T,
            2,
            "Creating a fake account to join a closed group is always allowed in open-source "
            "research.",
            False,
            "It may be an undercover operation with its own legal rules.",
        ),
        (
            N,
            1,
            "How many hexadecimal characters has a SHA-256 hash?",
            (Decimal(64), Decimal(0)),
            "256 bits are 64 hex characters.",
        ),
        (
            T,
            0,
            "A handle reused across platforms can link accounts of the same person.",
            True,
            "Reuse is a lead, not proof: corroborate it.",
        ),
        (
            S,
            None,
            "What should an open-source research log contain?",
            [
                ("Every search, its time, the tool and what was found", True),
                ("Only the results that support the case", False),
            ],
            "A full log shows the research was fair and repeatable.",
        ),
    ],
    "case-building-court-reporting": [
        (
            S,
            0,
            "What should a tracing report start with?",
            [
                ("A short summary of the findings for non-specialists", True),
                ("The raw transaction list", False),
                ("The tool's licence terms", False),
            ],
            "Prosecutors read the summary first.",
        ),
        (
            M,
            1,
            "How do you present heuristics honestly?",
            [
                ("Name the heuristic used for each link", True),
                ("Give a confidence level", True),
                ("Mention known weaknesses", True),
                ("Present every link as certain", False),
            ],
            "Honest confidence survives cross-examination.",
        ),
        (
            T,
            2,
            "A graphic for court should show every transaction found.",
            False,
            "Show the flows that matter; put the detail in an annex.",
        ),
        (
            N,
            2,
            "A chart should show at most how many hops before a non-specialist loses the "
            "thread? (a rule of thumb)",
            (Decimal(7), Decimal(2)),
            "Five to nine steps is a common rule of thumb; split longer paths.",
        ),
        (
            T,
            0,
            "The report should say which data and tools were used.",
            True,
            "Others must be able to repeat the analysis.",
        ),
        (
            S,
            None,
            "A defence expert disputes a cluster. What helps most?",
            [
                ("Your recorded reasoning for each link", True),
                ("The tool's vendor name", False),
            ],
            "Documented reasoning is what answers a challenge.",
        ),
    ],
}


def _fields(module: Module, spec: tuple) -> dict:
    kind, objective, text, answer, explanation = spec
    values = {
        "kind": kind,
        "text": text,
        "objective": "" if objective is None else module.objective_list[objective],
        "explanation": explanation,
    }
    if kind in (S, M):
        values["choices"] = [{"text": t, "correct": right} for t, right in answer]
    elif kind == T:
        values["true_answer"] = answer
    else:
        values["numeric_answer"], values["numeric_tolerance"] = answer
    return values


@transaction.atomic
def seed() -> list:
    trainer = User.objects.get(email="trainer@training.example.org")
    modules = Module.objects.filter(slug__in=BANKS)
    for module in modules:
        if not module.questions.working().exists():
            for position, spec in enumerate(BANKS[module.slug]):
                Question.objects.create(
                    module=module, position=position, created_by=trainer, **_fields(module, spec)
                )
        for revision in ModuleRevision.objects.filter(module=module):
            if revision.questions.exists():
                continue
            freeze_question_bank(module=module, revision=revision)
            # An older revision lacks objectives added since: its bank lacks their questions,
            # so the revision diff shows the bank growing too.
            Question.objects.filter(revision=revision).exclude(objective="").exclude(
                objective__in=revision.objective_list
            ).delete()
    return []
