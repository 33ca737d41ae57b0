from django import template

from qingyuan.briefings import markup

register = template.Library()


@register.filter
def briefing_markup(text: str) -> str:
    """The office's small markup as HTML; the text is escaped before any tag is added."""
    return markup.to_html(text)
