from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import INVITATION_CODE_LENGTH


class SignupForm(forms.Form):
    """Extra fields on allauth's signup form."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        help_text=_("How your partner sees you in Twofold."),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        # The language they have been reading in: the browser's, or the one they picked.
        user.language = request.LANGUAGE_CODE
        user.save(update_fields=["display_name", "language"])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, widget=forms.RadioSelect)


class InvitationCodeForm(forms.Form):
    code = forms.CharField(label=_("Invitation code"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Said in the language of the request: a lazy string would be
        # interpolated once, at import, in English.
        self.fields["code"].help_text = gettext("The %(length)s-character code your partner gave you.") % {
            "length": INVITATION_CODE_LENGTH
        }

    def clean_code(self):
        # People type codes with dashes, spaces and lower case letters.
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(code) != INVITATION_CODE_LENGTH:
            raise forms.ValidationError(
                gettext("A code has %(length)s letters and digits, like ABCD-EFGH.")
                % {"length": INVITATION_CODE_LENGTH}
            )
        return code


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError(gettext("That is not your password. Nothing was deleted."))
        return self.cleaned_data["password"]
