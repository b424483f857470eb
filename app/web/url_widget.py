"""Widgets that mirror a URL query parameter (the name on the code and package pages, the role,
kind or note chosen, the note's language). Each keeps its state under a fixed key, so a choice is
never lost to a default that moved with the URL (a second pick in a row was ignored), and takes
the URL's value whenever the URL brings a new one (a link to the same page, a hand-edited
address), so a link is never undone by the text still in the box."""

from __future__ import annotations

from typing import Any

import streamlit as st


def _seen(key: str) -> str:
    return f"{key}--url"


def follow(key: str, param: str, value: Any, again: bool = False) -> None:
    """Before the widget `key` is drawn: its state set to `value`, what the URL's `param` says,
    when the URL brought a new one since the last run, or the widget has no state (first
    visit, back from another page), or `again` (the options' labels changed: a selectbox
    keeps its choice by label). Draw the widget with its key and without a default."""
    if key in st.session_state and st.session_state.get(_seen(key)) == value and not again:
        return
    if _seen(key) in st.session_state and param in st.query_params:
        # a link to this same page: the address bar still shows the old parameters until the
        # app writes them (a reload or a copied address would bring back the old page)
        st.query_params[param] = st.query_params[param]
    st.session_state[key] = value
    st.session_state[_seen(key)] = value


def publish(key: str, param: str, value: str | None, current: str | None) -> None:
    """After the widget `key` is drawn: its `value` written to the URL's `param` when it differs
    from the URL's `current` one, and remembered as what the URL says; an empty text (a box
    emptied) takes `param` out of the URL, so a reload does not bring the old value back."""
    if value is None or value == current:
        return
    if value:
        st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]
    st.session_state[_seen(key)] = value
