"""Student CI: the workflow files a release ships and what `check --ci` reports in them."""
