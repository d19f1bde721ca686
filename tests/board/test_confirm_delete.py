"""Deleting a post is confirmed first, without JavaScript too (issue 21, item 13)."""


def test_deleting_a_post_asks_first_and_the_question_changes_nothing(client, first_post, teacher_x):
    client.force_login(teacher_x)
    url = f"/board/posts/{first_post.pk}/delete/"
    question = client.post(url)
    body = question.content.decode()
    assert question.status_code == 200 and "Delete your post?" in body
    assert 'name="confirmed" value="yes"' in body and f'action="{url}"' in body
    assert f'href="{first_post.get_absolute_url()}"' in body and "No, keep the post" in body
    first_post.refresh_from_db()
    assert first_post.deleted_at is None
    client.post(url, {"confirmed": "yes"})
    first_post.refresh_from_db()
    assert first_post.deleted_at is not None


def test_only_the_word_yes_confirms(client, first_post, teacher_x):
    client.force_login(teacher_x)
    client.post(f"/board/posts/{first_post.pk}/delete/", {"confirmed": "on"})
    first_post.refresh_from_db()
    assert first_post.deleted_at is None
