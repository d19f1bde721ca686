"""The one way views run a form action (kindred/core/actions.py)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from kindred.core.actions import form_status, problem_page, refusal_shown


class NameForm(forms.Form):
    name = forms.CharField(label="Name")
    email = forms.EmailField(label="E-mail address", required=False)


def request_with_messages():
    request = RequestFactory().post("/somewhere/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def refuse(message="Kindred is closed.", **kwargs):
    raise ValidationError(message, **kwargs)


def test_a_service_that_goes_through_leaves_the_form_alone():
    form = NameForm({"name": "Ada"})
    assert form.is_valid()
    with refusal_shown(form) as attempt:
        result = "created"
    assert attempt.ok and attempt.message == "" and result == "created"
    assert form.errors == {} and form_status(form) == 200


def test_a_refusal_becomes_the_forms_error_and_the_page_is_shown_again_as_a_bad_request():
    form = NameForm({"name": "Ada"})
    assert form.is_valid()
    with refusal_shown(form) as attempt:
        refuse("Ada is already a member.")
        pytest.fail("the block stops at the refusal")
    assert not attempt.ok
    assert attempt.message == "Ada is already a member."
    assert form.non_field_errors() == ["Ada is already a member."]
    assert form_status(form) == 400


def test_a_refusal_that_names_a_field_goes_onto_that_field():
    form = NameForm({"name": "Ada", "email": "ada@example.org"})
    assert form.is_valid()
    with refusal_shown(form) as attempt:
        raise ValidationError({"email": "That address already has an account."})
    assert not attempt.ok
    assert form.errors == {"email": ["That address already has an account."]}


def test_every_message_of_a_refusal_is_shown():
    with refusal_shown() as attempt:
        raise ValidationError(["The date has passed.", "The room is full."])
    assert attempt.message == "The date has passed. The room is full."


def test_a_refusal_on_the_request_is_an_error_message_for_the_next_page():
    request = request_with_messages()
    with refusal_shown(request) as attempt:
        refuse("The network is closed.")
    assert not attempt.ok
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("error", "The network is closed.")]


def test_a_service_that_goes_through_leaves_no_message():
    request = request_with_messages()
    with refusal_shown(request) as attempt:
        pass
    assert attempt.ok and list(get_messages(request)) == []


def test_only_refusals_are_caught():
    with pytest.raises(PermissionDenied), refusal_shown(NameForm()):
        raise PermissionDenied
    with pytest.raises(ZeroDivisionError), refusal_shown():
        _ = 1 / 0


@pytest.mark.django_db
def test_the_problem_page_is_a_bad_request_that_says_what_was_wrong_and_links_back():
    request = request_with_messages()
    request.user = type("Anonymous", (), {"is_authenticated": False, "is_superuser": False})()
    form = NameForm({"email": "not an address"})
    assert not form.is_valid()
    response = problem_page(request, "The event is full.", form=form, back="/networks/7/", back_label="Back")
    page = response.content.decode()
    assert response.status_code == 400
    assert "The event is full." in page
    assert "Name: This field is required." in page
    assert "E-mail address: Enter a valid email address." in page
    assert '<a href="/networks/7/">Back</a>' in page


@pytest.mark.django_db
def test_the_problem_page_without_a_way_back_links_to_the_start(client):
    request = request_with_messages()
    request.user = type("Anonymous", (), {"is_authenticated": False, "is_superuser": False})()
    response = problem_page(request, "That link has expired.", status=410)
    assert response.status_code == 410
    assert '<a href="/">' in response.content.decode()
