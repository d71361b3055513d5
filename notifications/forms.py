from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailPreferences, Kind

HELP = {
    Kind.PARTNER_JOINED: _("When someone you invited links with you."),
    Kind.PARTNER_READY: _("When your partner has finished answering and is ready to reveal. Never what they wrote."),
    Kind.REVEALED: _("When you are both ready and your answers are side by side."),
    Kind.ASSIGNED: _("When your coach assigns you both something to read."),
    Kind.SUGGESTED: _("When your partner brings an article for you both to reflect on."),
    Kind.REPLIED: _("When your partner replies after a reveal: at most one email a day each. Never what they wrote."),
    Kind.REMINDER: _("At most once per reflection, when your partner has been ready for a few days and you have not."),
    Kind.CHECKIN_PROPOSED: _("When your partner or your coach proposes a check-in for you both."),
    Kind.CHECKIN_ROUND: _("Once on a check-in round's day, if you have not finished it. Never after that day."),
    Kind.STEP_RELEASED: _("When your coach's programme gives you both its next step: at most one email a day."),
    Kind.PROGRAMME_PAUSED: _("When your coach pauses your programme."),
    Kind.PROGRAMME_ENDED: _("When your coach ends your programme."),
}


class EmailPreferencesForm(forms.ModelForm):
    class Meta:
        model = EmailPreferences
        fields = list(Kind.values)
        help_texts = HELP
