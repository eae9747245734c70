"""Tests for documents.py: real files in tmp_path -> Document, sentence offsets, bad input as InputError."""

from __future__ import annotations

import os
import pickle
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import shared
from crimjust_graph.documents import (
    MAX_BYTES,
    NAME_NOT_UTF8,
    SUPPORTED_SUFFIXES,
    document_from_text,
    find_documents,
    read_document,
    split_sentences,
)
from crimjust_graph.errors import InputError, InputWarning, printable
from crimjust_graph.model import Document

BODY = (
    "Le programme CRIMJUST a été présenté à Bruxelles le 11 septembre 2018.\n\n"
    "The meeting’s aim was “cooperation” – a shared goal – with a budget of €2 million. "
    "Les délégués ont échangé des informations sur les routes de la cocaïne en Amérique latine. "
    "Prosecutors from Brazil, Colombia and Panama took part in the café discussion.\n"
)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def assert_offsets(doc: Document) -> None:
    for span in doc.sentences:
        assert doc.text[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text


# --- decoding ----------------------------------------------------------------------------------

TEXT = "Title of the story\n\n" + BODY


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.txt", TEXT.encode("utf-8")),
        ("bom.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8")),
        ("le.txt", b"\xff\xfe" + TEXT.encode("utf-16-le")),
        ("be.txt", b"\xfe\xff" + TEXT.encode("utf-16-be")),
        ("crlf.txt", TEXT.replace("\n", "\r\n").encode("utf-8")),
        ("legacy.txt", TEXT.encode("cp1252")),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, name: str, data: bytes) -> None:
    doc = read_document(write(tmp_path, name, data))
    assert doc.title == "Title of the story"
    assert doc.text == TEXT.strip()
    assert "été" in doc.text and "€2 million" in doc.text and "“cooperation”" in doc.text
    assert doc.source == str((tmp_path / name).resolve())
    assert doc.id == document_from_text(TEXT, "x").id
    assert_offsets(doc)


def test_control_characters_removed_and_nfc(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "c.txt", "Cafe\u0301 title\n\nA\x07 bell\tand tab. Done\x1b."))
    assert doc.title == "Café title"
    assert doc.text == "Café title\n\nA bell\tand tab. Done."


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(4096),
        b"\x00\x01\x02\x03binary\x00\x00\xff\xfe" * 50,
        b"%PDF-1.4\x00\x01" + bytes(range(256)),
    ],
)
def test_binary_txt_is_refused(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "data.txt", data)
    with pytest.raises(InputError, match="not a text file") as info:
        read_document(path)
    assert str(path.resolve()) in str(info.value)


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  ", b"\xef\xbb\xbf \n"])
def test_empty_file_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError, match=r"empty document \(no text\)"):
        read_document(write(tmp_path, "empty.txt", data))


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as f:
        f.truncate(21 * 1024 * 1024)
    with pytest.raises(InputError, match=r"file is 21\.0 MB; the limit is 20 MB"):
        read_document(path)
    assert MAX_BYTES == 20 * 1024 * 1024


def test_missing_folder_and_unsupported_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        read_document(tmp_path / "nope.txt")
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(InputError, match="folder"):
        read_document(tmp_path / "dir.txt")
    with pytest.raises(InputError, match="unsupported file type"):
        read_document(write(tmp_path, "x.docx", b"PK"))


# --- sentences ---------------------------------------------------------------------------------


def test_abbreviations_initials_and_numbers_do_not_split() -> None:
    text = (
        "Mr. J. Smith met Dr. Jones and Prof. Lee in the U.S. on Jan. 5 to discuss a 3.5 per cent rise. "
        "They visited St. Louis, e.g. the port, i.e. the docks, etc. and left. "
        "Document No. 12 was signed! Was it? Yes."
    )
    assert [s.text for s in split_sentences(text)] == [
        "Mr. J. Smith met Dr. Jones and Prof. Lee in the U.S. on Jan. 5 to discuss a 3.5 per cent rise.",
        "They visited St. Louis, e.g. the port, i.e. the docks, etc. and left.",
        "Document No. 12 was signed!",
        "Was it?",
        "Yes.",
    ]


def test_title_paragraphs_bullets_and_quotes() -> None:
    text = (
        "A headline without a full stop\nThe body starts here. “Quoted words.” Next sentence\n"
        "continues on a wrapped line.\n\nFor more information:\n-   European Union programme\n- Transparency"
    )
    assert [s.text for s in split_sentences(text)] == [
        "A headline without a full stop",
        "The body starts here.",
        "“Quoted words.”",
        "Next sentence\ncontinues on a wrapped line.",
        "For more information:",
        "-   European Union programme",
        "- Transparency",
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["Mr.", "U.S.", "3.5", ". ", "! ", "? ", "\n", "\n\n", " - ", "“A.” ", "e.g. ", " "]
            ),
            st.text(min_size=1, max_size=12),
        ),
        max_size=40,
    ).map("".join)
)
def test_sentence_offsets_point_into_the_text(text: str) -> None:
    spans = split_sentences(text)
    end = 0
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text and span.text == span.text.strip()
        assert span.start >= end
        end = span.end
    try:
        doc = document_from_text(text, "mem:test")
    except InputError:
        assert not text.strip() or not "".join(c for c in text if c.isprintable()).strip()
    else:
        assert_offsets(doc)
        assert "".join("".join(s.text.split()) for s in doc.sentences) == "".join(doc.text.split())


def test_document_from_text_keeps_given_title_and_date() -> None:
    doc = document_from_text(
        "Body only. Second.", "https://example.org/a", title="Given", issued="2020-01-02"
    )
    assert (doc.title, doc.issued, doc.source) == ("Given", "2020-01-02", "https://example.org/a")
    with pytest.raises(InputError):
        document_from_text(" \n ", "mem:empty")


# --- markdown ----------------------------------------------------------------------------------


def test_markdown_front_matter(tmp_path: Path) -> None:
    md = '---\ntitle: "From front matter"\ndate: 2021-06-30\ntags: [a]\n---\nBody text here. Second one.\n'
    doc = read_document(write(tmp_path, "f.md", md))
    assert (doc.title, doc.issued, doc.text) == (
        "From front matter",
        "2021-06-30",
        "Body text here. Second one.",
    )


def test_markdown_markup_is_stripped(tmp_path: Path) -> None:
    md = (
        "# **AIRCOP** meets in _Lomé_\n\nThe [Airport Communication Programme](https://x.org/a) met. "
        "It was *useful*.\n\n* First bullet item\n* Second `bullet` item\n\n> A quote here.\n"
    )
    doc = read_document(write(tmp_path, "a.md", md))
    assert doc.title == "AIRCOP meets in Lomé"
    assert [s.text for s in doc.sentences] == [
        "AIRCOP meets in Lomé",
        "The Airport Communication Programme met.",
        "It was useful.",
        "First bullet item",
        "Second bullet item",
        "A quote here.",
    ]


# --- HTML --------------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head>
<title>UNODC trains prosecutors | Example News</title>
<meta property="article:published_time" content="2019-03-05T10:00:00+00:00">
<style>.x { color: red }</style><script>var secret = "SCRIPT TEXT";</script>
</head><body>
<header><a href="/">HEADER LINK</a></header>
<nav><ul><li>NAV ITEM</li></ul></nav>
<div class="cookie-banner">COOKIE NOTICE</div>
<div class="share-buttons">SHARE ON SOCIAL</div>
<main><article>
  <h1>UNODC trains prosecutors</h1>
  <p>The CRIMJUST programme trained
     prosecutors in Panama.  It was funded by the EU.</p>
  <ul><li>First item</li><li>Second item</li></ul>
  <div role="navigation">ROLE NAV</div>
  <table><tr><td>Cell one</td><td>Cell two</td></tr></table>
</article>
<aside>RELATED STORIES</aside></main>
<footer>FOOTER TEXT &copy; 2019</footer>
<noscript>NOSCRIPT TEXT</noscript>
</body></html>"""


def test_html_boilerplate_removed_and_blocks_kept(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "page.html", PAGE))
    assert doc.title == "UNODC trains prosecutors"
    assert doc.issued == "2019-03-05"
    for junk in (
        "SCRIPT",
        "HEADER",
        "NAV",
        "COOKIE",
        "SHARE",
        "ROLE NAV",
        "RELATED",
        "FOOTER",
        "NOSCRIPT",
        "color",
    ):
        assert junk not in doc.text
    assert doc.text.split("\n\n") == [
        "UNODC trains prosecutors",
        "The CRIMJUST programme trained prosecutors in Panama. It was funded by the EU.",
        "First item",
        "Second item",
        "Cell one",
        "Cell two",
    ]
    assert [s.text for s in doc.sentences][:3] == [
        "UNODC trains prosecutors",
        "The CRIMJUST programme trained prosecutors in Panama.",
        "It was funded by the EU.",
    ]
    assert_offsets(doc)


def test_html_title_and_date_fallbacks(tmp_path: Path) -> None:
    html = (
        '<meta property="og:title" content="OG title"><title>Tag title</title>'
        '<p>Intro.</p><time datetime="2018-09-11">11 Sept</time><h1>Heading</h1>'
    )
    doc = read_document(write(tmp_path, "a.htm", html))
    assert (doc.title, doc.issued) == ("OG title", "2018-09-11")
    assert doc.text.startswith("OG title\n\nIntro.")
    doc = read_document(
        write(tmp_path, "b.html", '<meta name="date" content="not a date"><h1>Only h1</h1><p>x y</p>')
    )
    assert (doc.title, doc.issued) == ("Only h1", None)


def test_malformed_html_still_yields_text(tmp_path: Path) -> None:
    html = (
        "<html><body><div><p>Unclosed paragraph about AIRCOP<p>Another <b>bold <i>one</div></span>&amp; <<>>"
    )
    doc = read_document(write(tmp_path, "bad.html", html))
    assert "Unclosed paragraph about AIRCOP" in doc.text
    assert "Another bold one" in doc.text
    assert_offsets(doc)


def test_deeply_nested_html_does_not_recurse(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "deep.html", "<div>" * 5000 + "Deep text." + "</div>" * 5000))
    assert doc.text == "Deep text."


def test_legacy_encoded_html(tmp_path: Path) -> None:
    html = '<meta charset="windows-1252"><p>Café – “quoted” text in Bogotá.</p>'
    doc = read_document(write(tmp_path, "l.html", html.encode("cp1252")))
    assert "Café – “quoted” text in Bogotá." in doc.text


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title></title></head><body></body></html>",
        "<script>x()</script>",
        "<title>Only a title</title><nav>Menu</nav>",
    ],
)
def test_html_without_text_is_empty(tmp_path: Path, html: str) -> None:
    with pytest.raises(InputError, match=r"empty document \(no text\)"):
        read_document(write(tmp_path, "e.html", html))


# --- PDF ---------------------------------------------------------------------------------------


def make_pdf(path: Path, lines: list[str], title: str | None = None, password: str | None = None) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    encrypt = pdfencrypt.StandardEncryption(password) if password else None
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    if title:
        pdf.setTitle(title)
    y = 800
    for line in lines:
        if line == "<page>":
            pdf.showPage()
            y = 800
            continue
        pdf.drawString(72, y, line)
        y -= 16
    pdf.save()
    return path


def test_pdf_read_back(tmp_path: Path) -> None:
    lines = [
        "CRIMJUST workshop in Accra",
        "",
        "The CRIMJUST programme held a workshop for investigators and prosecu-",
        "tors from Ghana and Nigeria in Accra on 5 March 2019. Dr. Mensah opened it.",
        "It was funded by the European Union.",
        "<page>",
        "A second page closes the story.",
    ]
    doc = read_document(make_pdf(tmp_path / "w.pdf", lines, title="Workshop in Accra"))
    assert doc.title == "Workshop in Accra"
    sentences = [s.text for s in doc.sentences]
    assert sentences[0] == "CRIMJUST workshop in Accra"
    assert (
        "The CRIMJUST programme held a workshop for investigators and prosecutors from Ghana and Nigeria "
        "in Accra on 5 March 2019." in sentences
    )
    assert "Dr. Mensah opened it." in sentences
    assert sentences[-1] == "A second page closes the story."
    assert_offsets(doc)
    untitled = read_document(make_pdf(tmp_path / "u.pdf", lines[2:]))
    assert untitled.title.startswith("The CRIMJUST programme held a workshop")


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "secret.pdf", ["Secret text."], password="s3cret")
    with pytest.raises(InputError, match="encrypted"):
        read_document(path)


@pytest.mark.parametrize("kind", ["truncated", "garbage", "header-only"])
def test_corrupt_pdf_is_refused(tmp_path: Path, kind: str) -> None:
    good = make_pdf(tmp_path / "good.pdf", ["Some text on a page."]).read_bytes()
    data = {"truncated": good[: len(good) // 3], "garbage": os.urandom(3000), "header-only": b"%PDF-1.7\n"}[
        kind
    ]
    path = write(tmp_path, f"{kind}.pdf", data)
    with pytest.raises(InputError) as info:
        read_document(path)
    message = str(info.value)
    assert str(path.resolve()) in message and "\n" not in message
    assert "PDF" in message or "empty document" in message


def test_image_only_pdf_is_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"empty document \(no text\)"):
        read_document(make_pdf(tmp_path / "blank.pdf", []))


# --- finding files -----------------------------------------------------------------------------


def test_find_documents_expands_folders(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for name in (
        "b.txt",
        "a.HTML",
        "sub/c.md",
        "sub/deeper/d.pdf",
        "notes.docx",
        ".hidden.txt",
        ".git/e.txt",
    ):
        write(root, name, "x")
    single = write(tmp_path, "single.txt", "x")
    bad = write(tmp_path, "image.png", "x")
    found, errors = find_documents([root, single, tmp_path / "missing", bad, root / "b.txt"])
    assert found == [
        root / "a.HTML",
        root / "b.txt",
        root / "sub" / "c.md",
        root / "sub" / "deeper" / "d.pdf",
        single,
    ]
    assert (errors[0].path, errors[0].reason) == (str(tmp_path / "missing"), "no such file or folder")
    assert errors[1].path == str(bad) and "unsupported file type" in errors[1].reason
    assert len(errors) == 2
    assert {".txt", ".md", ".html", ".htm", ".pdf"} == SUPPORTED_SUFFIXES


# --- the shared seed document ------------------------------------------------------------------


def test_seed_document() -> None:
    doc = read_document(shared("seeds", "000_06067837a20e0bbf.txt"))
    assert (
        doc.title
        == "CRIMJUST highlights the importance of strategic programming at the EU Expert Meeting on Drugs"
    )
    assert doc.sentences[0].text == doc.title
    assert any(
        "The Expert Meeting on Drugs organized by the European Commission" in s.text for s in doc.sentences
    )
    assert any(s.text.endswith("Transparency International") for s in doc.sentences)
    assert_offsets(doc)


# --- hostile files (issue 15) ------------------------------------------------------------------


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # with no writer: opening it blocking would wait for ever
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")  # st_size 0, endless content
    with pytest.raises(InputError, match="named pipe"):
        read_document(fifo)
    with pytest.raises(InputError, match="character device"):
        read_document(zero)
    files, errors = find_documents([tmp_path, fifo])
    assert files == []
    kinds = sorted(e.reason.split(",")[0] for e in errors)
    assert kinds == ["a character device", "a named pipe (FIFO)", "a named pipe (FIFO)"]


def test_loops_and_names_that_are_not_utf8_are_errors_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "nowhere.txt").symlink_to("missing.txt")
    with open(os.fsencode(tmp_path) + b"/caf\xe9.txt", "wb") as handle:  # noqa: PTH123 (a bytes name)
        handle.write(BODY.encode())
    good = write(tmp_path, "good.txt", TEXT)
    files, errors = find_documents([tmp_path, tmp_path / "loop.txt"])
    assert files == [good]
    assert sorted(str(e) for e in errors) == [
        f"{tmp_path}/caf\\xe9.txt: {NAME_NOT_UTF8}",
        f"{tmp_path}/loop.txt: symbolic link loop",
        f"{tmp_path}/loop.txt: symbolic link loop",
        f"{tmp_path}/nowhere.txt: dangling symbolic link",
    ]
    with pytest.raises(InputError, match="symbolic link loop"):
        read_document(tmp_path / "loop.txt")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path: Path, codec: str) -> None:
    doc = read_document(write(tmp_path, "wide.txt", TEXT.encode(codec)))
    assert doc.text == TEXT.strip()


def test_utf8_mixed_with_latin1_is_utf8_where_valid_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "mixed.txt", TEXT.encode("utf-8") + "Le café était fermé.\n".encode("latin-1"))
    with pytest.warns(InputWarning, match=r"mixes UTF-8 with another encoding.* 3 other bytes") as caught:
        doc = read_document(path)
    assert str(caught[0].message).startswith(f"{path.resolve()}: ")
    assert doc.text == (TEXT + "Le café était fermé.").strip()


def test_legacy_file_alone_is_not_warned_about(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc = read_document(write(tmp_path, "legacy.txt", TEXT.encode("cp1252")))
    assert doc.text == TEXT.strip()


def test_names_in_messages_cannot_forge_lines() -> None:
    error = InputError("/d/a\nerror: b\x1b[31m\u202ec\udce9.txt", "empty document (no text)")
    assert str(error) == "/d/a\\nerror: b\\x1b[31m\\u202ec\\xe9.txt: empty document (no text)"
    assert printable("plain/path é.txt") == "plain/path é.txt"
    again = pickle.loads(pickle.dumps(error))  # errors come back from worker processes
    assert (again.path, again.reason, str(again)) == (error.path, error.reason, str(error))
