"""The XMP metadata packet: Dublin Core title and the PDF/UA-1 identification (pdfuaid:part)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def xmp_packet(*, title: object, author: object, subject: object, keywords: object, creator: object,
               producer: object, lang: str = "en-GB") -> str:
    def alt(tag: str, value: object) -> str:
        text = escape(_text(value))
        return f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{text}</rdf:li></rdf:Alt></{tag}>' if text else ""

    def seq(tag: str, values: Sequence[str]) -> str:
        items = "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values if v)
        return f"<{tag}><rdf:Seq>{items}</rdf:Seq></{tag}>" if items else ""

    authors = [_text(author)] if _text(author) else []
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
        f"{alt('dc:title', title)}{alt('dc:description', subject)}{seq('dc:creator', authors)}"
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>\n"
        f"<pdf:Keywords>{escape(_text(keywords))}</pdf:Keywords>"
        f"<pdf:Producer>{escape(_text(producer))}</pdf:Producer>"
        f"<xmp:CreatorTool>{escape(_text(creator))}</xmp:CreatorTool>\n"
        "<pdfuaid:part>1</pdfuaid:part>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
