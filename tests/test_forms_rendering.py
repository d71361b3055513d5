"""Forms render through Django's form rendering API (config/forms.py): a field
group is templates/forms/field.html, a whole form templates/forms/form.html,
and a form's non-field errors are the alert box."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from pytest_django.asserts import assertInHTML, assertTemplateUsed

from accounts.forms import InvitationCodeForm


class SampleForm(forms.Form):
    name = forms.CharField(label="Your name", help_text="As your partner sees it.")
    agree = forms.BooleanField(label="I agree", required=False, help_text="You can change this later.")
    colours = forms.MultipleChoiceField(
        label="Colours", choices=[("r", "Red"), ("g", "Green")], widget=forms.CheckboxSelectMultiple
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def render(source, **context):
    return Template(source).render(Context(context))


def test_a_field_error_is_shown_next_to_the_input_and_tied_to_it():
    form = SampleForm({})
    html = render("{{ form.name.as_field_group }}", form=form)
    assertInHTML(
        """
        <div class="field has-error">
          <label for="id_name">Your name</label>
          <input type="text" name="name" id="id_name" required aria-invalid="true"
                 aria-describedby="id_name_helptext id_name_error">
          <div class="hint" id="id_name_helptext">As your partner sees it.</div>
          <div class="field-error" id="id_name_error">This field is required.</div>
        </div>
        """,
        html,
    )


def test_a_field_without_errors_is_described_by_its_help_text_only():
    html = render("{{ form.name.as_field_group }}", form=SampleForm())
    assertInHTML(
        """
        <div class="field">
          <label for="id_name">Your name</label>
          <input type="text" name="name" id="id_name" required aria-describedby="id_name_helptext">
          <div class="hint" id="id_name_helptext">As your partner sees it.</div>
        </div>
        """,
        html,
    )


def test_a_checkbox_comes_before_its_label():
    html = render("{{ form.agree.as_field_group }}", form=SampleForm())
    assertInHTML(
        """
        <div class="field field-checkbox">
          <input type="checkbox" name="agree" id="id_agree" aria-describedby="id_agree_helptext">
          <label for="id_agree">I agree</label>
          <div class="hint" id="id_agree_helptext">You can change this later.</div>
        </div>
        """,
        html,
    )


def test_a_group_of_checkboxes_is_a_fieldset_described_by_its_error():
    html = render("{{ form.colours.as_field_group }}", form=SampleForm({}))
    assertInHTML(
        """
        <fieldset class="field has-error" aria-describedby="id_colours_error">
          <legend>Colours</legend>
          <div class="field-checkbox">
            <input type="checkbox" name="colours" value="r" id="id_colours_0" aria-invalid="true">
            <label for="id_colours_0">Red</label>
          </div>
          <div class="field-checkbox">
            <input type="checkbox" name="colours" value="g" id="id_colours_1" aria-invalid="true">
            <label for="id_colours_1">Green</label>
          </div>
          <div class="field-error" id="id_colours_error">This field is required.</div>
        </fieldset>
        """,
        html,
    )


def test_non_field_errors_are_the_alert_box():
    form = SampleForm({"name": "Alice", "colours": ["r"]})
    form.is_valid()
    form.add_error(None, "Both <halves> must match.")
    box = '<div class="message message-error" role="alert"><p>Both &lt;halves&gt; must match.</p></div>'
    assertInHTML(box, render("{{ form.non_field_errors }}", form=form))
    whole = render("{{ form }}", form=form)
    assertInHTML(box, whole)
    assert whole.index("message-error") < whole.index('type="hidden"') < whole.index('for="id_name"')


def test_no_errors_no_box():
    assert render("{{ form.non_field_errors }}", form=SampleForm({"name": "Alice", "colours": ["r"]})) == ""


def test_other_error_lists_keep_djangos_markup():
    """The admin prints {{ field.errors }} itself; that stays Django's list."""
    html = render("{{ form.name.errors }}", form=SampleForm({}))
    assertInHTML('<ul class="errorlist" id="id_name_error"><li>This field is required.</li></ul>', html)


def test_the_whole_form_renders_each_field_once_in_order():
    html = render("{{ form }}", form=SampleForm())
    positions = [html.index(f'id="id_{name}"') for name in ("token", "name", "agree", "colours_0")]
    assert positions == sorted(positions)
    assert len(re.findall(r'class="field[ "]', html)) == 3


@pytest.mark.django_db
def test_the_allauth_login_page_renders_its_fields_through_the_field_template(client):
    response = client.get(reverse("account_login"))
    assertTemplateUsed(response, "forms/field.html")
    html = response.content.decode()
    assert '<label for="id_login">Email</label>' in html
    assertInHTML(
        """
        <div class="field field-checkbox">
          <input type="checkbox" name="remember" id="id_remember">
          <label for="id_remember">Remember Me</label>
        </div>
        """,
        html,
    )


@pytest.mark.django_db
def test_a_failed_login_shows_the_alert_box(client):
    response = client.post(reverse("account_login"), {"login": "nobody@example.com", "password": "wrong"})
    assertInHTML(
        '<div class="message message-error" role="alert">'
        "<p>The email address and/or password you specified are not correct.</p></div>",
        response.content.decode(),
    )


def test_a_wrong_invitation_code_is_tied_to_the_code_field(client, carol):
    client.force_login(carol)
    response = client.post("/partner/join/", {"code": "nope"})
    html = response.content.decode()
    assert 'aria-describedby="id_code_helptext id_code_error"' in html
    error = InvitationCodeForm({"code": "nope"}).errors["code"][0]
    assertInHTML(f'<div class="field-error" id="id_code_error">{error}</div>', html)


def test_the_assign_page_lists_couples_as_checkboxes_before_their_names(client, coach, coached):
    client.force_login(coach)
    html = client.get("/coach/assign/").content.decode()
    assert "<legend>Couples</legend>" in html
    assert 'id="id_couples_0"> <label for="id_couples_0">Alice &amp; Bob</label>' in html
