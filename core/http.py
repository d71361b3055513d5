from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """What to bind a form to: the POST data on a POST, even an empty one (a
    form with every box unticked, or a tampered request, must be validated),
    else None for an unbound form."""
    return request.POST if request.method == "POST" else None
