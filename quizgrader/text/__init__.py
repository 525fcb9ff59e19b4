"""The one place that turns results into words. This package is the explanation engine
(numbers, gate settings, equations, configurations, causes, the levels of an option's
explanation: :mod:`.explain`; the short and standard levels in :mod:`.learner`, the full
level in :mod:`.fulltext`), with two subpackages: :mod:`.render`, the text / Markdown /
HTML renderers every output shares, and :mod:`.reports`, one report per command."""
