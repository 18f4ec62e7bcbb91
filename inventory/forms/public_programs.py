"""The public program directory's one form: where the visitor is."""

from django import forms


class PublicLocationForm(forms.Form):
    """Where a visitor of the public directory is, as the browser's geolocation gives it (the
    page never keeps it: the view turns it into the area it lies in)."""

    lat = forms.FloatField(
        label="Latitude",
        min_value=-90,
        max_value=90,
        error_messages=dict.fromkeys(
            ["invalid", "required", "min_value", "max_value"],
            "The latitude must be a number between -90 and 90.",
        ),
    )
    lon = forms.FloatField(
        label="Longitude",
        min_value=-180,
        max_value=180,
        error_messages=dict.fromkeys(
            ["invalid", "required", "min_value", "max_value"],
            "The longitude must be a number between -180 and 180.",
        ),
    )
