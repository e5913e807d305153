"""`timeline serve` (and so `make run`) says where to open the page."""


def test_serve_names_the_pages_address_for_its_bind_address():
    from timeline.cli import page_address

    assert page_address("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert page_address("0.0.0.0", 8101) == "http://127.0.0.1:8101/"
    assert page_address("::", 80) == "http://[::1]:80/"
