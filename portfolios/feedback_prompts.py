"""What a feedback request asks: who it is for (a kind of person, never a name) and the prompts,
written in Capable's own plain words. A standard prompt, an easy-read one (short sentences, one
idea each) and one for children and young people.

`{name}` in a question is the learner's first name (or "the social worker" without one). The
questions are copied onto the answer when it is given, so changing the wording here never
changes what someone was asked."""

from dataclasses import dataclass

from django.db import models


class Audience(models.TextChoices):
    PARENT_OR_CARER = "parent-carer", "A parent or carer"
    CHILD_OR_YOUNG_PERSON = "child-young-person", "A child or young person"
    FOSTER_CARER = "foster-carer", "A foster carer"
    OTHER_AGENCY = "other-agency", "A colleague in another agency"
    OTHER_PROFESSIONAL = "other-professional", "Another professional"
    OTHER = "other", "Someone else who uses services"


# People who use services (and their families) as against other professionals: the kind of
# evidence an entry made from their feedback is.
FAMILY_AUDIENCES = {
    Audience.PARENT_OR_CARER,
    Audience.CHILD_OR_YOUNG_PERSON,
    Audience.FOSTER_CARER,
    Audience.OTHER,
}


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    hint: str = ""
    required: bool = True


@dataclass(frozen=True)
class Prompt:
    key: str
    label: str
    description: str  # for the learner choosing it
    intro: tuple[str, ...]  # paragraphs for the person answering
    questions: tuple[Question, ...]
    easy_read: bool = False


PROMPTS = {
    "standard": Prompt(
        key="standard",
        label="Standard",
        description="For adults and professionals: three open questions.",
        intro=(
            "{name} has asked for your feedback on how they worked with you. It helps them "
            "learn and is kept in their learning record.",
            "Your answers do not include your name, and Capable does not keep your email "
            "address, where you answered from or the time. Please do not name anyone, "
            "including children and family members, or give addresses, dates of birth or "
            "phone numbers.",
        ),
        questions=(
            Question(
                "helped",
                "What did {name} do that helped?",
                "For example, how they listened, explained things or kept you informed.",
            ),
            Question(
                "differently",
                "What could {name} do better or differently?",
                required=False,
            ),
            Question(
                "anything_else",
                "Is there anything else you would like {name} to know?",
                required=False,
            ),
        ),
    ),
    "easy-read": Prompt(
        key="easy-read",
        label="Easy read",
        description="Short sentences and simple questions, for anyone who finds reading hard.",
        intro=(
            "{name} wants to know what you think.",
            "This helps {name} get better at their job.",
            "We do not keep your name.",
            "Please do not write anyone's name, address or phone number.",
        ),
        questions=(
            Question("good", "What was good?", "Write as much or as little as you like."),
            Question("better", "What could be better?", required=False),
            Question("anything_else", "Anything else?", required=False),
        ),
        easy_read=True,
    ),
    "young-people": Prompt(
        key="young-people",
        label="For children and young people",
        description="Friendly questions for a child or young person to answer, alone or with "
        "someone they trust.",
        intro=(
            "{name} would like to hear what you think about how they worked with you.",
            "There are no right or wrong answers. You can say good things and things you did "
            "not like. {name} will read what you write.",
            "Do not put your name, or anyone else's, in your answers.",
        ),
        questions=(
            Question(
                "helped",
                "What did {name} do that helped you?",
                "You could think about when you talked, met or made plans together.",
            ),
            Question("change", "What would you like {name} to do differently?", required=False),
            Question(
                "anything_else",
                "Is there anything else you want to say?",
                required=False,
            ),
        ),
        easy_read=True,
    ),
}

PROMPT_CHOICES = [(p.key, p.label) for p in PROMPTS.values()]


def worded(text: str, name: str) -> str:
    return text.replace("{name}", name)
