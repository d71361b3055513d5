from django import forms

from .models import EmailPreferences, Kind

HELP = {
    Kind.PARTNER_JOINED: "When someone you invited links with you.",
    Kind.PARTNER_READY: "When your partner has finished answering and is ready to reveal. Never what they wrote.",
    Kind.REVEALED: "When you are both ready and your answers are side by side.",
    Kind.ASSIGNED: "When your coach assigns you both something to read.",
    Kind.SUGGESTED: "When your partner brings an article for you both to reflect on.",
    Kind.REPLIED: "When your partner replies after a reveal: at most one email a day each. Never what they wrote.",
    Kind.REMINDER: "At most once per reflection, when your partner has been ready for a few days and you have not.",
    Kind.CHECKIN_PROPOSED: "When your partner or your coach proposes a check-in for you both.",
    Kind.CHECKIN_ROUND: "Once on a check-in round's day, if you have not finished it. Never after that day.",
    Kind.STEP_RELEASED: "When your coach's programme gives you both its next step: at most one email a day.",
    Kind.PROGRAMME_PAUSED: "When your coach pauses your programme.",
    Kind.PROGRAMME_ENDED: "When your coach ends your programme.",
}


class EmailPreferencesForm(forms.ModelForm):
    class Meta:
        model = EmailPreferences
        fields = list(Kind.values)
        help_texts = HELP
