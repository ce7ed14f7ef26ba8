"""The placement quality audit Capable ships with, in Capable's own words.

Each section belongs to one party (student, practice educator or on-site supervisor, provider
placement lead, HEI tutor), who alone rates its criteria on the template's scale. Organisations
can add their own templates; this one is the default for every audit.
"""

from django.db import transaction

from .models import AuditCriterion, AuditParty, AuditSection, AuditTemplate

DEFAULT_AUDIT_TEMPLATE_NAME = "Capable placement quality audit"
DEFAULT_AUDIT_SCALE = ["Not met", "Partly met", "Met", "Exceeded"]

# (title, party, [criteria]) in the order they appear.
DEFAULT_AUDIT_SECTIONS: list[tuple[str, str, list[str]]] = [
    (
        "Induction",
        AuditParty.STUDENT,
        [
            "In my first week I knew who to go to, where to work and what a normal day looked like.",
            "I was shown the team's recording system, policies and lone-working arrangements "
            "before I needed them.",
            "The people I would work alongside knew I was coming and what I was there to learn.",
        ],
    ),
    (
        "Learning opportunities",
        AuditParty.STUDENT,
        [
            "I worked directly with children and families, not only watched others do it.",
            "The work I was given let me show capability across all nine PCF domains at my level.",
            "The complexity of my work grew as my confidence and skill grew.",
            "I could learn from other professions and agencies around the families I worked with.",
        ],
    ),
    (
        "Supervision",
        AuditParty.STUDENT,
        [
            "I had protected, planned supervision at least as often as my learning agreement said.",
            "Supervision helped me reflect on my practice and link it to theory, not only to "
            "check my caseload.",
            "I received honest feedback on my practice, including on what I needed to improve.",
        ],
    ),
    (
        "Workload",
        AuditParty.STUDENT,
        [
            "The amount of work I carried was right for a student at my stage.",
            "I had time set aside for study, reflection and writing up my portfolio.",
            "I was never left holding risk that should have sat with a qualified worker.",
        ],
    ),
    (
        "Environment and resources",
        AuditParty.PROVIDER,
        [
            "The student had a place to work, a device and access to the systems the team uses.",
            "Travel, expenses and any checks the role needs were arranged before the start date.",
            "The team had room in its plans and rotas to host a student well.",
        ],
    ),
    (
        "Support for the practice educator",
        AuditParty.EDUCATOR,
        [
            "I had enough time in my workload to teach, supervise and assess the student.",
            "My manager understood the practice educator role and backed it.",
            "I could reach the HEI tutor or a more experienced educator when I needed advice.",
            "I had the development I needed to keep my practice educator standards current.",
        ],
    ),
    (
        "Anti-oppressive practice: the student's experience",
        AuditParty.STUDENT,
        [
            "I felt my identity, background and circumstances were respected in the team.",
            "I could raise discrimination I saw or experienced and trusted it would be acted on.",
            "I was encouraged to think about power, difference and inequality in my work "
            "with families.",
        ],
    ),
    (
        "Anti-oppressive practice: in the setting",
        AuditParty.EDUCATOR,
        [
            "The setting made reasonable adjustments the student asked for or needed.",
            "Assessment of the student was fair and grounded in evidence, not impressions.",
            "The team's own practice gave the student a good example of challenging oppression.",
        ],
    ),
    (
        "Safety",
        AuditParty.PROVIDER,
        [
            "Risks to the student's safety were assessed and the student knew the plan.",
            "Home visits and other lone work followed the organisation's safety arrangements.",
            "The student knew how to get help quickly and how to report an incident.",
        ],
    ),
    (
        "Communication between the HEI and the employer",
        AuditParty.TUTOR,
        [
            "The learning agreement and midpoint review meetings happened on time with everyone "
            "needed.",
            "Concerns about the student's progress were shared early and dealt with together.",
            "The provider and the HEI gave each other the information each needed, when needed.",
        ],
    ),
]


@transaction.atomic
def ensure_default_audit_template() -> AuditTemplate:
    """The default audit template, created if missing; running it again changes nothing.

    A default that already exists is left as it is (audits point at it), except that sections
    or criteria missing from it are added."""
    template = AuditTemplate.objects.filter(is_default=True).order_by("pk").first()
    if template is None:
        template, _ = AuditTemplate.objects.get_or_create(
            name=DEFAULT_AUDIT_TEMPLATE_NAME,
            defaults={"scale": list(DEFAULT_AUDIT_SCALE), "is_default": True},
        )
        if not template.is_default:
            template.is_default = True
            template.save(update_fields=["is_default"])
    if template.name != DEFAULT_AUDIT_TEMPLATE_NAME:
        return template  # an organisation's own default: not ours to fill in
    sections = {s.order: s for s in template.sections.prefetch_related("criteria")}
    for order, (title, party, criteria) in enumerate(DEFAULT_AUDIT_SECTIONS, start=1):
        section = sections.get(order)
        if section is None:
            section = AuditSection.objects.create(
                template=template, order=order, title=title, party=party
            )
            have = set()
        else:
            have = {c.order for c in section.criteria.all()}
        AuditCriterion.objects.bulk_create(
            AuditCriterion(section=section, order=number, text=text)
            for number, text in enumerate(criteria, start=1)
            if number not in have
        )
    return template
