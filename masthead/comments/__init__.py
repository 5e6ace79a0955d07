"""Reader comments: "Leave a Reply", moderation, spam checks and commenter privacy.

Terms: a comment is *approved* (shown), *pending* (waits for a moderator),
*spam* or in the *trash*. A *verdict* is what the spam checks say of a new
comment (approve, hold, spam); the moderation policy turns it into a status.
"""
