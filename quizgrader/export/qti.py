"""IMS QTI 2.1 content package: a zip of one ``assessmentItem`` per question and a manifest.

Each item has a ``choiceInteraction`` (shuffled; ``maxChoices`` 1 or 0 for many), the key as
``correctResponse``, and response processing that sets SCORE by the question's scheme:

- all-or-nothing: 1 if the response matches the correct response, else 0;
- net-correct:    ``mapResponse`` with correct +1/k, wrong −1/k, bounded to [0, 1];
- each-answer:    (N − k)/N + ``mapResponse`` with correct +1/N, wrong −1/N (exact).

FEEDBACK is set to the chosen identifiers, so each option's ``modalFeedback`` (its
explanation) shows when it was chosen, the general feedback (identifier _general) always, and
for each right option left out, ``missed-<id>``: why that option is right. A
learner export has no correctResponse, mapping, scoring or feedback. The zip is
byte-for-byte reproducible (fixed timestamps and order).
"""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

from ..text.render.markup import paragraphs_html, text_html
from .items import Item

#: The modalFeedback shown whatever was chosen (no option id can start with _).
GENERAL = "_general"
NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ITEM_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1 http://www.imsglobal.org/xsd/imscp_v1p1.xsd"


def missed_id(option_ident: str) -> str:
    """The modalFeedback identifier of a right option that was not chosen."""
    return f"missed-{option_ident}"


def ident(text: str, prefix: str) -> str:
    """A QTI identifier (an XML NCName) for an id: ids starting with a letter stay as they
    are, the others become ``prefix.id``. Ids never contain a dot, so no two ids can share
    an identifier ("1" and "o1" give "o.1" and "o1")."""
    return text if text[:1].isalpha() else f"{prefix}.{text}"


def _html(parent: ET.Element, fragment: str) -> None:
    """Parse our own escaped XHTML fragment into ``parent`` (QTI bodies are XHTML)."""
    wrapper = ET.fromstring(f"<div>{fragment.replace('<br>', '<br/>')}</div>")
    for child in wrapper:
        parent.append(child)


def _value(parent: ET.Element, base: str, value: str) -> ET.Element:
    el = ET.SubElement(parent, "baseValue", baseType=base)
    el.text = value
    return el


def _num(x: float) -> str:
    return f"{x:.10g}"


def _scoring(item: Item, root: ET.Element, decl: ET.Element) -> None:
    key, n, k = set(item.key), len(item.options), len(item.key)
    ids = {o.id: ident(o.id, "o") for o in item.options}
    correct = ET.SubElement(decl, "correctResponse")
    for o in item.options:
        if o.id in key:
            ET.SubElement(correct, "value").text = ids[o.id]
    mapped = item.select == "many" and item.scheme != "all-or-nothing"
    if mapped:
        step = 1.0 / (k if item.scheme == "net-correct" else n)
        base = 0.0 if item.scheme == "net-correct" else (n - k) / n
        mapping = ET.SubElement(decl, "mapping", lowerBound=_num(-base) if base else "0",
                                upperBound=_num(1.0 - base), defaultValue="0")
        for o in item.options:
            ET.SubElement(mapping, "mapEntry", mapKey=ids[o.id],
                          mappedValue=_num(step if o.id in key else -step))
    rp = ET.SubElement(root, "responseProcessing")
    if mapped:
        score = ET.SubElement(rp, "setOutcomeValue", identifier="SCORE")
        total = ET.SubElement(score, "sum")
        ET.SubElement(total, "mapResponse", identifier="RESPONSE")
        _value(total, "float", _num(base))
    else:
        cond = ET.SubElement(rp, "responseCondition")
        rif = ET.SubElement(cond, "responseIf")
        match = ET.SubElement(rif, "match")
        ET.SubElement(match, "variable", identifier="RESPONSE")
        ET.SubElement(match, "correct", identifier="RESPONSE")
        _value(ET.SubElement(rif, "setOutcomeValue", identifier="SCORE"), "float", "1")
        rel = ET.SubElement(cond, "responseElse")
        _value(ET.SubElement(rel, "setOutcomeValue", identifier="SCORE"), "float", "0")
    chosen = ET.SubElement(ET.SubElement(rp, "setOutcomeValue", identifier="FEEDBACK"),
                           "multiple")
    ET.SubElement(chosen, "variable", identifier="RESPONSE")
    _value(chosen, "identifier", GENERAL)
    for o in item.options:                # a right option not chosen: say why it is right
        if o.id not in key:
            continue
        rif = ET.SubElement(ET.SubElement(rp, "responseCondition"), "responseIf")
        test = ET.SubElement(rif, "not")
        if item.select == "one":
            has = ET.SubElement(test, "match")
            ET.SubElement(has, "variable", identifier="RESPONSE")
            _value(has, "identifier", ids[o.id])
        else:
            has = ET.SubElement(test, "member")
            _value(has, "identifier", ids[o.id])
            ET.SubElement(has, "variable", identifier="RESPONSE")
        add = ET.SubElement(ET.SubElement(rif, "setOutcomeValue", identifier="FEEDBACK"),
                            "multiple")
        ET.SubElement(add, "variable", identifier="FEEDBACK")
        _value(add, "identifier", missed_id(ids[o.id]))


def item_xml(item: Item) -> bytes:
    """One ``assessmentItem`` document (see the module docstring)."""
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}assessmentItem", {
        f"{{{XSI}}}schemaLocation": f"{NS} {ITEM_XSD}", "identifier": ident(item.ident, "q"),
        "title": item.name, "adaptive": "false", "timeDependent": "false"})
    cardinality = "single" if item.select == "one" else "multiple"
    decl = ET.SubElement(root, "responseDeclaration", identifier="RESPONSE",
                         cardinality=cardinality, baseType="identifier")
    score = ET.SubElement(root, "outcomeDeclaration", identifier="SCORE", cardinality="single",
                          baseType="float")
    ET.SubElement(ET.SubElement(score, "defaultValue"), "value").text = "0"
    if not item.learner:
        ET.SubElement(root, "outcomeDeclaration", identifier="FEEDBACK",
                      cardinality="multiple", baseType="identifier")
    body = ET.SubElement(root, "itemBody")
    _html(body, text_html(item.stem))
    interaction = ET.SubElement(body, "choiceInteraction", responseIdentifier="RESPONSE",
                                shuffle="true" if item.shuffle else "false",
                                maxChoices="1" if item.select == "one" else "0")
    for o in item.options:
        choice = ET.SubElement(interaction, "simpleChoice", identifier=ident(o.id, "o"))
        choice.text = o.text
    if not item.learner:
        _scoring(item, root, decl)
        for o in item.options:
            fb = ET.SubElement(root, "modalFeedback", outcomeIdentifier="FEEDBACK",
                               identifier=ident(o.id, "o"), showHide="show")
            _html(fb, paragraphs_html(o.explanation))
        fb = ET.SubElement(root, "modalFeedback", outcomeIdentifier="FEEDBACK",
                           identifier=GENERAL, showHide="show")
        _html(fb, paragraphs_html(item.general))
        for o in item.options:
            if o.correct:
                fb = ET.SubElement(root, "modalFeedback", outcomeIdentifier="FEEDBACK",
                                   identifier=missed_id(ident(o.id, "o")), showHide="show")
                _html(fb, paragraphs_html(o.why_right))
    # qualify every element with the QTI namespace
    for el in root.iter():
        if isinstance(el.tag, str) and not el.tag.startswith("{"):
            el.tag = f"{{{NS}}}{el.tag}"
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def manifest(items: list[Item]) -> bytes:
    """The content package's ``imsmanifest.xml``."""
    ET.register_namespace("", CP)
    root = ET.Element(f"{{{CP}}}manifest", {"identifier": "quizgrader-bank",
                                             f"{{{XSI}}}schemaLocation": CP_XSD})
    meta = ET.SubElement(root, f"{{{CP}}}metadata")
    ET.SubElement(meta, f"{{{CP}}}schema").text = "QTIv2.1 Package"
    ET.SubElement(meta, f"{{{CP}}}schemaversion").text = "1.0.0"
    ET.SubElement(root, f"{{{CP}}}organizations")
    resources = ET.SubElement(root, f"{{{CP}}}resources")
    for item in items:
        href = f"items/{item.ident}.xml"
        res = ET.SubElement(resources, f"{{{CP}}}resource",
                            identifier=ident(item.ident, "q") + "-res",
                            type="imsqti_item_xmlv2p1", href=href)
        ET.SubElement(res, f"{{{CP}}}file", href=href)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _add(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


def write(items: list[Item]) -> bytes:
    """The content package as zip bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        _add(z, "imsmanifest.xml", manifest(items))
        for item in items:
            _add(z, f"items/{item.ident}.xml", item_xml(item))
    return buf.getvalue()
