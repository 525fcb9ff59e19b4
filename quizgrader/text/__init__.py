"""The one place that turns results into words: numbers, gate settings, equations,
explanations, findings, reports, and the text / Markdown / HTML renderers every output
shares."""
