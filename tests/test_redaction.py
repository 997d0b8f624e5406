from trainingsite.redaction import ERASED, clean_terms, redact_json, redact_text


def test_terms_match_whole_words_in_any_case_and_spacing():
    terms = ["Li Wei", "Li"]
    assert redact_text("li  wei called; Li too; Delivery, Lille", terms) == (
        f"{ERASED} called; {ERASED} too; Delivery, Lille"
    )


def test_an_address_is_removed_whole_and_longest_terms_go_first():
    text = "Bounce: <alice.tan@police.example> (Alice Tan)"
    assert redact_text(text, ["alice.tan", "alice.tan@police.example", "Alice Tan"]) == (
        f"Bounce: <{ERASED}> ({ERASED})"
    )


def test_blank_and_one_letter_terms_are_ignored():
    assert clean_terms(["", " ", "A", "Al", "al"]) == ("Al",)
    assert redact_text("A cat", ["A"]) == "A cat"


def test_json_strings_lose_terms_and_keys_stay():
    data = {"Alice": ["Alice Tan", {"n": 1, "reason": "alice tan asked"}], "ok": True}
    assert redact_json(data, ["Alice Tan"]) == {
        "Alice": [ERASED, {"n": 1, "reason": f"{ERASED} asked"}],
        "ok": True,
    }
