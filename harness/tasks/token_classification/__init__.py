"""Token classification (named entities as character spans or IOB2 word tags): the task type
is TASK (task.py); reading, tags, encoding and the baseline are its modules."""

from harness.tasks.token_classification.task import TASK

__all__ = ["TASK"]
