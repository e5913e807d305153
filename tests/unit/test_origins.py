from timeline.origins import origin_key, origin_of


def test_a_relayed_story_has_the_origin_it_relays():
    assert origin_of({"name": "Daily Star", "via": "Reuters"}) == "Reuters"
    assert origin_of({"name": "Reuters"}) == "Reuters"
    assert origin_of({"name": "X", "via": "  "}) == "X"


def test_origins_compare_case_and_diacritics_insensitively():
    assert origin_key("Agence France-Presse") == origin_key("agence france-présse")
    assert origin_key("Reuters") != origin_key("Reuter")
