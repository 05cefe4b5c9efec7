"""Review duplicates: a local web app (vidfp review) and a static report (vidfp report)."""
