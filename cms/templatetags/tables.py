"""`{% table_region %}…{% end_table_region %}`: a data table in its own scrolling region.

A wide table scrolls inside the region instead of widening the page (WCAG 1.4.10, reflow at
320 CSS px). The region is focusable, so keyboard users can scroll it, and named by the table's
caption: the caption's id, given as the tag's argument or found (and added if missing) in the
table it wraps. With no caption, pass the id of the heading that names the table.
"""

import itertools
import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

CAPTION = re.compile(r"<caption\b([^>]*)>", re.IGNORECASE)
ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
_NUMBERS = itertools.count(1)


def _number(context) -> int:
    """Counted per response (the same page gives the same ids, whoever asks), else per process."""
    request = context.get("request")
    if request is None:
        return next(_NUMBERS)
    request._capable_table_regions = getattr(request, "_capable_table_regions", 0) + 1
    return request._capable_table_regions


class TableRegionNode(template.Node):
    def __init__(self, nodelist, label_id):
        self.nodelist = nodelist
        self.label_id = label_id

    def render(self, context):
        html = self.nodelist.render(context)
        label_id = self.label_id.resolve(context) if self.label_id else None
        if not label_id:
            caption = CAPTION.search(html)
            if caption is None:
                raise template.TemplateSyntaxError(
                    "table_region: the table has no <caption>; pass the id of its heading"
                )
            found = ID.search(caption.group(1))
            if found:
                label_id = found.group(1)
            else:
                label_id = f"table-caption-{_number(context)}"
                html = (
                    html[: caption.start()]
                    + f'<caption id="{label_id}"{caption.group(1)}>'
                    + html[caption.end() :]
                )
        return format_html(
            '<div class="app-table-region" role="region" aria-labelledby="{}" tabindex="0">{}</div>',
            label_id,
            mark_safe(html),
        )


@register.tag
def table_region(parser, token):
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("table_region takes at most one argument: a label id")
    label_id = parser.compile_filter(bits[1]) if len(bits) == 2 else None
    nodelist = parser.parse(("end_table_region",))
    parser.delete_first_token()
    return TableRegionNode(nodelist, label_id)
