"""LLM text is cleaned and escaped before Compel sees it; the user's weights survive a hybrid rewrite."""

from prompts.compel_syntax import escape_compel, hybrid_core, sanitize_llm_text, weighted_terms


def test_sanitize_drops_control_characters_and_collapses_space():
    assert sanitize_llm_text("a\x0bportrait\n\n of\ta\u200b woman ") == "a portrait of a woman"


def test_escape_makes_parentheses_literal():
    assert escape_compel('a cat (tabby) [small] "x"') == 'a cat \\(tabby\\) \\[small\\] \\"x\\"'


def test_weighted_terms_finds_the_users_weights():
    assert weighted_terms("portrait of a woman, (red hat)1.3, sunset++, (rain)-, high-quality") == [
        "(red hat)1.3", "sunset++", "(rain)-"]


def test_hybrid_core_is_escaped_rewrite_plus_user_weights():
    assert hybrid_core("a woman (smiling) at dusk", "woman, (red hat)1.3, sunset++") == (
        "a woman \\(smiling\\) at dusk, (red hat)1.3, sunset++")
