"""Status notices from the partners' backend, told in the conversation that opened the case.

`channel.StatusNoticeInput` is the webhook (credentials.yml); the REST and Teams channels call
`conversations.tell_untold` / `conversations.with_status_notices` around each turn.
"""
