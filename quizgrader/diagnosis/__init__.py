"""What each learner misreads: misreadings derived from why the options they chose are wrong
(:mod:`.readings`), the evidence an answer gives (:mod:`.evidence`), the holding rule with
its chance tail (:mod:`.holding`), and the words (:mod:`.words`) and reports
(:mod:`.report`) of a class's diagnosis (diagnosis.md)."""
from .answers import Answers, DiagnosisError, read_answers
from .evidence import Carrier, QuestionEvidence, question_evidence
from .holding import Answer, Bank, Held, Mark, tail
from .readings import Kind, Reading, flip_behaviour, reading
from .report import (
           Diagnosis,
           LearnerDiagnosis,
           diagnose,
           diagnosis_data,
           diagnosis_json,
           diagnosis_text,
)
from .words import BUDGET, paragraph, sentence

__all__ = ["Answer", "Answers", "BUDGET", "Bank", "Carrier", "Diagnosis", "DiagnosisError",
           "Held", "Kind", "LearnerDiagnosis", "Mark", "QuestionEvidence", "Reading",
           "diagnose", "diagnosis_data", "diagnosis_json", "diagnosis_text", "flip_behaviour",
           "paragraph", "question_evidence", "read_answers", "reading", "sentence", "tail"]
