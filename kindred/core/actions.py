"""One way to run a form action: a service's refusal becomes the page's error display.

Services refuse bad input with `ValidationError` and change nothing. A view runs the service
inside `refusal_shown(...)`, which catches the refusal and shows it where the page shows errors:

    form = forms.NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:         # on the form, which is shown again
            network = services.network_create(by=request.user, **form.cleaned_data)
        if attempt.ok:
            return redirect(network)
    return render(request, "networks/network_form.html", {"form": form}, status=form_status(form))

    with refusal_shown(request) as attempt:          # as a message on the page redirected to
        services.membership_end(membership=membership, by=request.user)
    if attempt.ok:
        messages.success(request, _("Done."))
    return redirect(network)

    with refusal_shown() as attempt:                 # only recorded: the view answers with
        services.email_verify(user=request.user, token=token)
    if not attempt.ok:
        return problem_page(request, attempt.message)  # the standard 400 page

`problem_page` is also the answer to a request whose form is not valid where no form page can be
shown again (a button's POST): it lists the form's errors, with a way back.

A destructive action (deleting a post, cancelling a registration, replacing a feed address) is
confirmed first, without JavaScript: the button's POST, until it carries `confirmed=yes`, is answered
with `confirmation_page`, a question with the consequence, a button that posts again with
`confirmed=yes`, and a way back that changes nothing:

    if not confirmed(request):
        return confirmation_page(request, question=..., consequence=..., button=..., back=post_url)
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass
class Attempt:
    """What became of a service run inside `refusal_shown`: ok, or refused with `error`."""

    error: ValidationError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        """The refusal's messages as one sentence or more ("" when it went through)."""
        return refusal_text(self.error) if self.error is not None else ""


def refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@contextmanager
def refusal_shown(on: BaseForm | HttpRequest | None = None, *, field: str | None = None) -> Iterator[Attempt]:
    """Run the block; a ValidationError it raises is not raised on but shown, and recorded.

    `on` a form: the error goes onto the form (a message for the whole form, or for its `field`;
    an error naming fields, onto those fields), for the page to show it again (status
    `form_status(form)`).
    `on` the request: the error becomes an error message, shown on the next page after a redirect.
    `on` nothing: it is only recorded in the `Attempt` (see `problem_page`).
    Nothing else is caught: a bug is still a 500, and a permission refusal still a 403 or 404.
    """
    attempt = Attempt()
    try:
        yield attempt
    except ValidationError as error:
        attempt.error = error
        if isinstance(on, BaseForm):
            on.add_error(field, error)
        elif isinstance(on, HttpRequest):
            messages.error(on, attempt.message)


def form_status(form: BaseForm | None) -> int:
    """A form page's status: 400 when it is shown again with errors, 200 otherwise."""
    return 400 if form is not None and form.errors else 200


def problem_page(
    request: HttpRequest,
    problem: str = "",
    *,
    form: BaseForm | None = None,
    back: str | None = None,
    back_label: str = "",
    status: int = 400,
) -> HttpResponse:
    """The standard page for a request that cannot be carried out: what was wrong (a refusal's
    text, a form's errors, each beside its field's label) and a way back: the link `back`, named
    `back_label`, or else the start page."""
    return render(
        request,
        "core/problem.html",
        {"problem": problem, "form": form, "back": back, "back_label": back_label},
        status=status,
    )


def confirmed(request: HttpRequest) -> bool:
    """Whether a destructive action's POST comes from its confirmation page."""
    return request.POST.get("confirmed") == "yes"


def confirmation_page(
    request: HttpRequest,
    *,
    question: str,
    consequence: str,
    button: str,
    back: str,
    back_label: str = "",
    keep: tuple[str, ...] = (),
) -> HttpResponse:
    """Ask before a destructive action: the page posts to the same address again with
    `confirmed=yes` (and the first POST's fields named in `keep`); `back` leads away unchanged."""
    fields = [(name, request.POST[name]) for name in keep if name in request.POST]
    return render(
        request,
        "core/confirm.html",
        {
            "question": question,
            "consequence": consequence,
            "button": button,
            "fields": fields,
            "back": back,
            "back_label": back_label,
        },
    )
