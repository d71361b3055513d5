from django import forms

from .models import INVITATION_CODE_LENGTH


class SignupForm(forms.Form):
    """Extra fields on allauth's signup form."""

    display_name = forms.CharField(
        label="Your name",
        max_length=60,
        help_text="How your partner sees you in Twofold.",
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class InvitationCodeForm(forms.Form):
    code = forms.CharField(
        label="Invitation code",
        max_length=20,
        help_text=f"The {INVITATION_CODE_LENGTH}-character code your partner gave you.",
    )

    def clean_code(self):
        # People type codes with dashes, spaces and lower case letters.
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(code) != INVITATION_CODE_LENGTH:
            raise forms.ValidationError(f"A code has {INVITATION_CODE_LENGTH} letters and digits, like ABCD-EFGH.")
        return code


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password, to confirm", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return self.cleaned_data["password"]
