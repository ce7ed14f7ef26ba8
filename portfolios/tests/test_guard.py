"""The identifying-information guard: what it flags, what it leaves alone, and how it shows it."""

import pytest
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString

from portfolios.guard import (
    FINGERPRINT_SALT,
    KIND_LABELS,
    Finding,
    Kind,
    check_fields,
    find_identifiers,
    highlight,
    nhs_number_is_valid,
)

ALL_KINDS = [
    Kind.NAME,
    Kind.DATE_OF_BIRTH,
    Kind.NHS_NUMBER,
    Kind.POSTCODE,
    Kind.PHONE,
    Kind.EMAIL,
    Kind.ADDRESS,
]


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_identifiers(text)]


# --------------------------------------------------------------------------------------------
# What it flags

POSITIVE = [
    # Names after a family or role word: two or more capitalised words.
    (Kind.NAME, "I met the mother, Jane Smith, at the family home.", "Jane Smith"),
    (Kind.NAME, "The child Tom Brown told me he liked school.", "Tom Brown"),
    (Kind.NAME, "Her foster carer Maria Lopez-Garcia came to the review.", "Maria Lopez-Garcia"),
    (Kind.NAME, "The young person, Kai Patrick O'Neill, said he felt safe.", "Kai Patrick O'Neill"),
    (Kind.NAME, "Mum Sarah McDonald was worried about the baby.", "Sarah McDonald"),
    (Kind.NAME, "His stepfather: Darren Wilson-Hughes was not at home.", "Darren Wilson-Hughes"),
    (Kind.NAME, "I spoke to the father, April Jones, after the meeting.", "April Jones"),
    # Names after a title, which may be a single surname.
    (Kind.NAME, "Mrs Amelia Hart rang the duty team.", "Mrs Amelia Hart"),
    (Kind.NAME, "I visited Mr. O'Neill with my practice educator.", "Mr. O'Neill"),
    (Kind.NAME, "Dr Patel, the paediatrician, shared her view.", "Dr Patel"),
    (Kind.NAME, "Ms J. Smith-Jones attended the conference.", "Ms J. Smith-Jones"),
    (Kind.NAME, "We discussed Master Leo D'Arcy at length.", "Master Leo D'Arcy"),
    (Kind.NAME, "Mx Young joined the call.", "Mx Young"),
    # "named" or "called" with a single capitalised word.
    (Kind.NAME, "A little boy named Kai drew his family for me.", "Kai"),
    (Kind.NAME, "Her dog was called Biscuit and her sister was called Amara.", "Biscuit"),
    # Dates of birth: a date near a birth cue.
    (Kind.DATE_OF_BIRTH, "The child (DOB 03/04/2015) lives with her nan.", "03/04/2015"),
    (Kind.DATE_OF_BIRTH, "He was born on 3 April 2015 in Leeds.", "3 April 2015"),
    (Kind.DATE_OF_BIRTH, "Her date of birth: 2015-04-03 was on the referral.", "2015-04-03"),
    (Kind.DATE_OF_BIRTH, "She was born 3rd April 2015, two weeks early.", "3rd April 2015"),
    (Kind.DATE_OF_BIRTH, "The baby was born in March 2015.", "March 2015"),
    (Kind.DATE_OF_BIRTH, "D.O.B: 1.2.16 was written on the file.", "1.2.16"),
    (Kind.DATE_OF_BIRTH, "His birthday is on 14th of February.", "14th of February"),
    (
        Kind.DATE_OF_BIRTH,
        "Born prematurely on Sept 9, 2019, she spent weeks in hospital.",
        "Sept 9, 2019",
    ),
    (Kind.DATE_OF_BIRTH, "The referral gave 03/04/2015 (DOB) for the child.", "03/04/2015"),
    # NHS numbers: valid check digit, or any ten digits after "NHS".
    (Kind.NHS_NUMBER, "His NHS number is 943 476 5919.", "943 476 5919"),
    (Kind.NHS_NUMBER, "The health visitor quoted 9434765919 in her letter.", "9434765919"),
    (Kind.NHS_NUMBER, "Reference 401-023-2137 was on the discharge summary.", "401-023-2137"),
    (Kind.NHS_NUMBER, "NHS no. 123 456 7890 was on the form.", "123 456 7890"),
    (Kind.NHS_NUMBER, "NHS: 1234567890 appears on the letter.", "1234567890"),
    # Postcodes: full postcodes, any case, space optional.
    (Kind.POSTCODE, "The family moved to SW1A 1AA last year.", "SW1A 1AA"),
    (Kind.POSTCODE, "They now live near m1 1ae, close to the station.", "m1 1ae"),
    (Kind.POSTCODE, "The school is in B33 8TH.", "B33 8TH"),
    (Kind.POSTCODE, "Her nan's house (CR2 6XH) has a garden.", "CR2 6XH"),
    (Kind.POSTCODE, "Post was sent to DN55 1PT.", "DN55 1PT"),
    (Kind.POSTCODE, "The address ended B338TH on the form.", "B338TH"),
    # Phone numbers.
    (Kind.PHONE, "Her mobile is 07700 900123 if needed.", "07700 900123"),
    (Kind.PHONE, "The school office is on 020 7946 0018.", "020 7946 0018"),
    (Kind.PHONE, "He can be reached on +44 7700 900123 after six.", "+44 7700 900123"),
    (Kind.PHONE, "Call (0161) 496 0000 for the nursery.", "(0161) 496 0000"),
    (Kind.PHONE, "Dad's work number is +44 (0)20 7946 0018.", "+44 (0)20 7946 0018"),
    (Kind.PHONE, "Text 07700-900-123 to confirm.", "07700-900-123"),
    (Kind.PHONE, "The housing line is 0300 123 4567.", "0300 123 4567"),
    # Email addresses.
    (Kind.EMAIL, "Mum emailed from jane.smith@example.co.uk.", "jane.smith@example.co.uk"),
    (
        Kind.EMAIL,
        "Contact: tom+school@mail.example.com for updates.",
        "tom+school@mail.example.com",
    ),
    (Kind.EMAIL, "Her address was J_O-Neill99@example.org (personal).", "J_O-Neill99@example.org"),
    (Kind.EMAIL, "Send it to <carer@family-home.net> please.", "carer@family-home.net"),
    # Street addresses.
    (Kind.ADDRESS, "The family live at 14 Elm Grove with two dogs.", "14 Elm Grove"),
    (Kind.ADDRESS, "I visited Flat 3, 22 Mill Lane on Tuesday.", "Flat 3, 22 Mill Lane"),
    (Kind.ADDRESS, "Their old home was 221b Baker Street.", "221b Baker Street"),
    (Kind.ADDRESS, "Grandad lives at 12 St Mary's Road nearby.", "12 St Mary's Road"),
    (Kind.ADDRESS, "They stayed at 7 Kings Hill Avenue for a month.", "7 Kings Hill Avenue"),
    (Kind.ADDRESS, "The refuge is at 5 Rose Court.", "5 Rose Court"),
]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    POSITIVE,
    ids=[f"{kind}-{i}" for i, (kind, _, _) in enumerate(POSITIVE)],
)
def test_flags_identifying_text(kind, text, expected):
    findings = find_identifiers(text)

    assert (kind, expected) in [(f.kind, f.text) for f in findings]
    finding = next(f for f in findings if f.kind == kind and f.text == expected)
    assert text[finding.start : finding.end] == expected


def test_every_kind_has_at_least_four_positive_examples():
    counts = {kind: sum(1 for k, _, _ in POSITIVE if k == kind) for kind in ALL_KINDS}

    assert min(counts.values()) >= 4, counts


def test_the_mother_and_father_both_named():
    text = "The mother, Jane Smith, and the father, Tom Smith, both came."

    assert found(text) == [(Kind.NAME, "Jane Smith"), (Kind.NAME, "Tom Smith")]


def test_title_after_a_role_word_keeps_the_title():
    assert found("The mother, Mrs Jane Smith, came.") == [(Kind.NAME, "Mrs Jane Smith")]


def test_first_word_after_a_title_is_a_name_even_if_stoplisted():
    # "Day" is on the stoplist ("the child Day Nursery") but is also a surname.
    assert found("Mrs Day came to the meeting.") == [(Kind.NAME, "Mrs Day")]


def test_master_is_also_an_ordinary_word():
    assert found("She is a Master Practitioner in family therapy.") == []
    assert found("Master Leo came with his mum.") == [(Kind.NAME, "Master Leo")]


def test_curly_apostrophes_in_names():
    text = "Mr O\u2019Neill and the child Tom O\u2019Brien"

    assert found(text) == [(Kind.NAME, "Mr O\u2019Neill"), (Kind.NAME, "Tom O\u2019Brien")]


def test_name_stops_before_a_stoplisted_word():
    assert found("I rang Mrs Smith Monday morning.") == [(Kind.NAME, "Mrs Smith")]


# --------------------------------------------------------------------------------------------
# What it leaves alone

CLEAN = [
    "I attended a two-day course on 3 April 2025 on contextual safeguarding.",
    "Supervision with my manager on 12/05/2025 helped me think about the family's strengths.",
    "The child's voice was central to the plan.",
    "I read Munro (2011) and the Children Act 1989, section 47.",
    "The mother told me she felt listened to.",
    "Court hearing on Monday",
    "I worked 7.5 hours on the assessment",
    "Reflective session with the Principal Social Worker",
    "ref 1234567890",
    "Level 7 of the PCF",
    (
        "This month I have been thinking about how I use my authority in home visits. "
        "My practice educator asked me to notice when I slip into a checking role rather "
        "than a curious one. In the Child Protection Conference on Thursday I tried to "
        "explain the family's strengths before the risks, and the chair said this helped. "
        "I want to keep reading about relationship-based practice and to bring two "
        "examples to supervision on 19/06/2025."
    ),
    "The child Protection Plan was reviewed and the Child In Need Plan ended.",
    "The father Tom said very little.",
    "We refer to the children as Child A and Child B, and their mother as Mother C.",
    "Baby P and the lessons from serious case reviews.",
    "The young person Youth Offending Team worker joined us.",
    "I discussed the partner Local Authority's approach.",
    "The mother, Monday Morning meetings were hard for her.",
    "We attended 3 Court hearings and 2 Family Court hearings in May.",
    "She moved from KS2 3rd place to Y7 2nd set.",
    "The family live somewhere in SW1A, near the park.",
    "The M62 was closed so I arrived at 3pm.",
    "I called Children's Services and then called Ofsted.",
    "The course was called Signs of Safety.",
    "He was born and raised in the area; I first met him on 3 April 2025.",
    "Childline is 0800 1111 and I shared it.",
    "The Year 10 group met 12 times over 2024-25.",
    "She completed her Master's degree and the Masters module.",
    "Dates: 01 02 2025 and 03-04-2025 were both cancelled.",
    "MS Teams call with the IRO and the CAMHS worker.",
    "I scored 4.5 out of 5 on 10/10/2024.",
    "The house number was 14 but the street name was withheld.",
    "",
]


@pytest.mark.parametrize("text", CLEAN)
def test_ordinary_professional_prose_is_not_flagged(text):
    assert find_identifiers(text) == []


def test_plain_date_needs_a_birth_cue():
    assert found("I met her on 3 April 2015.") == []
    assert found("She was born on 3 April 2015.") == [(Kind.DATE_OF_BIRTH, "3 April 2015")]


def test_one_capitalised_word_after_a_role_word_is_not_a_name():
    assert found("The girl Amara drew a picture.") == []
    assert found("The girl Amara Jones drew a picture.") == [(Kind.NAME, "Amara Jones")]


def test_outward_code_alone_is_not_a_postcode():
    assert found("They live in SW1A.") == []
    assert found("They live in SW1A 1AA.") == [(Kind.POSTCODE, "SW1A 1AA")]


def test_court_after_a_number_needs_a_street_name():
    assert found("We had 3 Court hearings.") == []
    assert found("We met at 3 Elm Court.") == [(Kind.ADDRESS, "3 Elm Court")]


def test_phone_number_does_not_swallow_a_following_number():
    assert found("Ring 07700 900123 2 times a week.") == [(Kind.PHONE, "07700 900123")]


def test_too_short_or_too_long_phone_numbers_are_not_flagged():
    assert found("Ring 07700 90012 today.") == []
    assert found("Ring 07700 9001234 today.") == []


# --------------------------------------------------------------------------------------------
# NHS numbers


@pytest.mark.parametrize(
    "number",
    ["9434765919", "943 476 5919", "943-476-5919", "4010232137", "4505577104", "4500000070"],
)
def test_valid_nhs_numbers(number):
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # wrong check digit
        "4010232130",
        "1234567890",  # check digit works out as 10, which is never valid
        "943476591",  # nine digits
        "94347659190",  # eleven digits
        "94347659l9",  # a letter
        "",
    ],
)
def test_invalid_nhs_numbers(number):
    assert not nhs_number_is_valid(number)


def test_ten_digits_failing_the_check_are_only_flagged_after_nhs():
    assert found("Case ref 943 476 5918 in the file.") == []
    assert found("NHS number 943 476 5918 in the file.") == [(Kind.NHS_NUMBER, "943 476 5918")]


def test_nhs_number_is_not_found_inside_a_longer_number():
    assert found("Account 19434765919 was closed.") == []


# --------------------------------------------------------------------------------------------
# Overlaps, offsets and fields


def test_overlap_keeps_the_longer_finding():
    # "sw1a1aa" looks like a postcode, but it is part of the email address.
    text = "Write to sw1a1aa@example.com today."

    assert found(text) == [(Kind.EMAIL, "sw1a1aa@example.com")]


def test_overlap_of_equal_length_keeps_the_more_specific_kind():
    # Ten digits starting 01 could be a landline; they also pass the NHS check digit.
    text = "The number 0161496008 was on the letter."

    assert found(text) == [(Kind.NHS_NUMBER, "0161496008")]


def test_overlapping_name_and_address_keep_the_longer():
    text = "Post goes to 9 Dr Brown Close now."

    assert found(text) == [(Kind.ADDRESS, "9 Dr Brown Close")]


def test_offsets_with_several_findings():
    text = (
        "The child Tom Brown (DOB 03/04/2015) lives at 14 Elm Grove, LS1 4AP.\n"
        "Mum: jane@example.com, 07700 900123."
    )

    findings = find_identifiers(text)

    assert [(f.kind, f.text) for f in findings] == [
        (Kind.NAME, "Tom Brown"),
        (Kind.DATE_OF_BIRTH, "03/04/2015"),
        (Kind.ADDRESS, "14 Elm Grove"),
        (Kind.POSTCODE, "LS1 4AP"),
        (Kind.EMAIL, "jane@example.com"),
        (Kind.PHONE, "07700 900123"),
    ]
    assert [(f.start, f.end) for f in findings] == [
        (10, 19),
        (25, 35),
        (46, 58),
        (60, 67),
        (74, 90),
        (92, 104),
    ]
    assert all(text[f.start : f.end] == f.text for f in findings)
    assert all(f.field == "" for f in findings)


def test_findings_are_sorted_by_start():
    text = "Email a@example.com or ring 07700 900123; NHS 943 476 5919; Mr Khan."

    starts = [f.start for f in find_identifiers(text)]

    assert len(starts) == 4
    assert starts == sorted(starts)


def test_check_fields_tags_each_finding_with_its_field():
    findings = check_fields(
        {
            "title": "Visit to Mrs Hart",
            "reflection": "Nothing identifying here.",
            "learning": "Her NHS number 943 476 5919 was shared.\nCall 07700 900123.",
            "empty": None,
        }
    )

    assert [(f.field, f.kind, f.text, f.start) for f in findings] == [
        ("title", Kind.NAME, "Mrs Hart", 9),
        ("learning", Kind.NHS_NUMBER, "943 476 5919", 15),
        ("learning", Kind.PHONE, "07700 900123", 45),
    ]


def test_check_fields_with_no_fields():
    assert check_fields({}) == []


# --------------------------------------------------------------------------------------------
# Labels and fingerprints


def test_every_kind_has_a_label():
    assert set(KIND_LABELS) == set(ALL_KINDS)
    assert Finding(Kind.NHS_NUMBER, 0, 10, "9434765919").label == "a possible NHS number"
    assert Finding(Kind.NAME, 0, 8, "Mrs Hart").label == "a possible name"


def test_unknown_kind_gets_a_generic_label():
    assert Finding("shoe_size", 0, 1, "9").label == "possible identifying information"


def test_fingerprint_ignores_case_spacing_position_and_field():
    a = Finding(Kind.NAME, 10, 20, "Jane Smith", field="reflection")
    b = Finding(Kind.NAME, 0, 13, "  JANE \n  smith ", field="title")

    assert a.fingerprint == b.fingerprint
    expected = salted_hmac(FINGERPRINT_SALT, "name:jane smith", algorithm="sha256").hexdigest()
    assert a.fingerprint == expected


def test_fingerprint_depends_on_kind_and_text():
    name = Finding(Kind.NAME, 0, 10, "Jane Smith")

    assert name.fingerprint != Finding(Kind.NAME, 0, 10, "Jane Smyth").fingerprint
    assert name.fingerprint != Finding(Kind.ADDRESS, 0, 10, "Jane Smith").fingerprint


def test_fingerprint_does_not_contain_the_text():
    finding = Finding(Kind.EMAIL, 0, 16, "jane@example.com")

    assert len(finding.fingerprint) == 64
    assert int(finding.fingerprint, 16) >= 0
    assert "jane" not in finding.fingerprint
    assert "example" not in finding.fingerprint


def test_findings_are_frozen():
    finding = Finding(Kind.NAME, 0, 8, "Mrs Hart")

    with pytest.raises(AttributeError):
        finding.text = "changed"


# --------------------------------------------------------------------------------------------
# Highlighting


def test_highlight_marks_findings_and_escapes_everything_else():
    text = 'Tom <script>alert("x")</script> & the mother, Jane Smith.'
    findings = find_identifiers(text)

    html = highlight(text, findings)

    assert isinstance(html, SafeString)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; the mother, " in html
    assert html.endswith(
        '<mark class="guard-mark" data-kind="name">Jane Smith'
        '<span class="govuk-visually-hidden"> (possible name)</span></mark>.'
    )


def test_highlight_exact_output_with_several_findings_and_line_breaks():
    text = "Mrs Hart\nNHS 943 476 5919\r\nok"
    findings = find_identifiers(text)

    html = highlight(text, findings)

    assert html == (
        '<mark class="guard-mark" data-kind="name">Mrs Hart'
        '<span class="govuk-visually-hidden"> (possible name)</span></mark><br>'
        'NHS <mark class="guard-mark" data-kind="nhs_number">943 476 5919'
        '<span class="govuk-visually-hidden"> (possible NHS number)</span></mark><br>ok'
    )


def test_highlight_escapes_the_marked_text():
    text = "Write to a&b@example.com"
    finding = Finding(Kind.EMAIL, 9, 24, "a&b@example.com")

    html = highlight(text, [finding])

    assert '<mark class="guard-mark" data-kind="email">a&amp;b@example.com<span' in html


def test_highlight_without_findings_only_escapes():
    assert highlight("a < b\nc", []) == "a &lt; b<br>c"


def test_highlight_ignores_findings_from_other_text():
    fields = {"title": "Visit", "reflection": "The child Tom Brown was happy."}
    findings = check_fields(fields)
    stray = [
        Finding(Kind.NAME, 0, 5, "Other"),  # the offsets fit but the text is not there
        Finding(Kind.NAME, 40, 50, "Jane Smith"),  # beyond the end of the text
    ]

    assert highlight(fields["title"], findings + stray) == "Visit"
    html = highlight(fields["reflection"], findings + stray)
    assert html.count("<mark") == 1
    assert 'data-kind="name">Tom Brown<span' in html


def test_highlight_skips_overlapping_findings():
    text = "Mrs Amelia Hart"
    findings = [
        Finding(Kind.NAME, 0, 15, "Mrs Amelia Hart"),
        Finding(Kind.NAME, 4, 15, "Amelia Hart"),
    ]

    html = highlight(text, findings)

    assert html.count("<mark") == 1
    assert 'data-kind="name">Mrs Amelia Hart<span' in html


def test_factory_text_never_trips_the_guard():
    """Entries and comments the factories write are free of findings, so no test depends on
    Faker's chance "Mrs. Street" (which flagged imports now and then)."""
    import factory.random

    from portfolios.factories import CommentFactory, EntryFactory

    factory.random.reseed_random(7)
    for _ in range(300):
        entry = EntryFactory.build()
        comment = CommentFactory.build(entry=entry, author=None, author_name="A reviewer")
        for text in [*entry.text_fields().values(), comment.body]:
            assert not find_identifiers(text or ""), text
