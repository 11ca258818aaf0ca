"""Extractive question answering (SQuAD-style spans in a context): the task type is TASK
(task.py); reading, windows, post-processing and the baseline are its modules."""

from harness.tasks.extractive_qa.task import TASK

__all__ = ["TASK"]
