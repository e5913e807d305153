"""What comes in from outside the API's forms: ACLED and UCDP datasets, and the article reader (extract, article, mentions, language) that proposes claims for review."""
