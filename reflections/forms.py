"""Reading answers out of a POST. Each prompt's fields carry the prefix
`p<prompt id>-`; a hidden `shown` field says the prompt was in the form, so
an unticked pass box or an empty scale still counts as sent."""

from dataclasses import dataclass

from .models import SCALE_MAX, SCALE_MIN


@dataclass
class PostedAnswer:
    text: str = ""
    scale_value: int | None = None
    passed: bool = False
    error: str = ""

    @property
    def values(self):
        return {"text": self.text, "scale_value": self.scale_value, "passed": self.passed}


def field_name(prompt, name):
    return f"p{prompt.pk}-{name}"


def parse_answer(prompt, data):
    """The answer posted for `prompt`, or None when the form did not show it."""
    if field_name(prompt, "shown") not in data:
        return None
    answer = PostedAnswer(passed=data.get(field_name(prompt, "passed")) == "on")
    if prompt.is_scale:
        raw = data.get(field_name(prompt, "scale"), "").strip()
        if raw:
            try:
                answer.scale_value = int(raw)
            except ValueError:
                answer.error = f"Choose a number from {SCALE_MIN} to {SCALE_MAX}."
    else:
        answer.text = data.get(field_name(prompt, "text"), "")
    return answer


def form_values(prompt, posted=None):
    """What the form shows for `prompt`: what was just posted, so that
    nothing typed is lost on an error, else the saved answer."""
    if posted is not None:
        return posted
    mine = getattr(prompt, "mine", None)
    if mine is None:
        return PostedAnswer()
    return PostedAnswer(text=mine.text, scale_value=mine.scale_value, passed=mine.passed)
