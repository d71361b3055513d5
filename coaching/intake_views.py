"""The intake: the coach chooses which of their articles a new client
couple answers first; each partner may agree, when accepting the coaching
link, to share it with the coach once revealed, and take that back at any
time (P5). The questions are shown before anyone agrees."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import coaching_link_for
from core.errors import DomainError
from library.models import Article
from practice.intake import intake_consent_give, intake_consent_take_back, intake_set
from practice.models import Intake

from .decorators import coach_required


class IntakeForm(forms.Form):
    article = forms.ModelChoiceField(
        label=gettext_lazy("The intake"),
        queryset=Article.objects.none(),
        required=False,
        empty_label=gettext_lazy("No intake"),
        help_text=gettext_lazy("One of your published articles. New client couples answer it first."),
    )

    def __init__(self, *args, coach, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.filter(owner=coach, status=Article.Status.PUBLISHED)
        self.fields["article"].label_from_instance = lambda article: article.translated("title")


@coach_required
@require_http_methods(["GET", "HEAD", "POST"])
def intake(request):
    current = Intake.objects.filter(coach=request.user).first()
    form = IntakeForm(request.POST or None, coach=request.user, initial={"article": current and current.article_id})
    if request.method == "POST" and form.is_valid():
        try:
            intake_set(coach=request.user, article=form.cleaned_data["article"])
        except DomainError as error:
            form.add_error("article", str(error))
        else:
            messages.success(request, _("Saved. Couples who start coaching from now on answer it first."))
            return redirect("coach:intake")
    status = 400 if form.errors else 200
    return render(request, "coaching/intake.html", {"form": form}, status=status)


@login_required
@require_POST
def intake_consent(request, pk):
    """A partner agrees to share the intake once revealed (`share=yes`), or takes it back."""
    link = coaching_link_for(request.user, pk)
    if link is None or link.coach_id == request.user.pk:
        raise Http404
    if request.POST.get("share") == "yes":
        try:
            intake_consent_give(link=link, user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Agreed: your coach reads your intake once you have both revealed and agreed."))
    else:
        intake_consent_take_back(link=link, user=request.user)
        messages.success(request, _("Taken back: your coach does not read your intake."))
    return redirect("coach:coaching_accept", token=link.token)
