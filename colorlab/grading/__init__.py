"""Exercises and grading: student notebooks from the solutions, and their autograder. It imports
the learner core (:mod:`colorlab`), never the other way round.

- ``exercises`` exercise notebooks from solutions; an nbgrader course folder
- ``guard``     the grader's guard: fresh checks before each TASK cell, no faked references
- ``grade``     run a student notebook with the solution's TASK cells and score each task
- ``gradebook`` grading a class folder in parallel: gradebook.csv, feedback per student
- ``checks``    the feedback checks exercises call: a harness and one catalog per lecture
"""
