"""StreamField blocks shared by the site's content pages."""

from wagtail import blocks


class InsetTextBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "openquote"
        template = "cms/blocks/inset_text.html"


class DetailsBlock(blocks.StructBlock):
    summary = blocks.CharBlock(max_length=120)
    body = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "collapse-down"
        template = "cms/blocks/details.html"


class WarningBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=400)

    class Meta:
        icon = "warning"
        template = "cms/blocks/warning.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", template="cms/blocks/heading.html", icon="title"
    )
    paragraph = blocks.RichTextBlock(
        features=["h3", "bold", "italic", "link", "ol", "ul"], template="cms/blocks/paragraph.html"
    )
    inset = InsetTextBlock()
    details = DetailsBlock()
    warning = WarningBlock()
