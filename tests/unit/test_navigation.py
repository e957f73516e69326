from pathlib import Path

from portfolio.ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_script_exists_and_its_address_is_its_file_name():
    # st.switch_page and AppTest find a page by its script; Streamlit's URL for it is url_path. Keeping the two
    # the same keeps links, tests and bookmarks pointing at the same page.
    for spec in PAGES:
        assert (ROOT / spec.script).is_file()
        assert Path(spec.script).stem == spec.url_path


def test_every_page_script_is_in_the_navigation():
    listed = {spec.script for spec in PAGES}
    assert {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")} == listed
