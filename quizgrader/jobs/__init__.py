"""The library's jobs, one module each; :mod:`quizgrader.api` is their façade.

- :mod:`.verifying`: read a bank, load it within the work limits, verify it (the step every
  other job starts with);
- :mod:`.question`: one question: explain its options, grade one answer;
- :mod:`.classgrading`: a class: grade its responses, regrade them after a change;
- :mod:`.statistics`: the item statistics of a class's grades;
- :mod:`.exporting`: a bank for an LMS, or as a handout;
- :mod:`.simulation`: gain and reach of one configuration;
- :mod:`.deploying`: a template's variants and their lock.
"""
