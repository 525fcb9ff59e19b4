"""The renderers every output shares: a small document model rendered as plain text, Markdown
or HTML (:mod:`.document`), and plain text made safe for Markdown and the LMS formats' HTML
(:mod:`.markup`)."""
