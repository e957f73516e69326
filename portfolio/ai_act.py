"""A short guided questionnaire that suggests a use case's EU AI Act risk tier. Pure; a person confirms.

The questions follow the Act's structure: the practices of Article 5 are prohibited; Annex III areas and
safety components of regulated products (Article 6) are high-risk; Article 50 sets transparency duties
(limited risk); everything else is minimal risk. The answers are kept with the reason."""

from dataclasses import dataclass

from portfolio.models.enums import AiActTier


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    tier: AiActTier
    reason: str


QUESTIONS: tuple[Question, ...] = (
    # Article 5: prohibited practices
    Question(
        "social_scoring",
        "Does it score people's trustworthiness or social behaviour in a way that leads to worse treatment in unrelated situations?",
        AiActTier.prohibited,
        "social scoring (Art. 5(1)(c))",
    ),
    Question(
        "manipulation",
        "Does it use subliminal or manipulative techniques, or exploit people's age, disability or situation, to change their behaviour in ways that can harm them?",
        AiActTier.prohibited,
        "manipulation or exploitation of vulnerabilities (Art. 5(1)(a)-(b))",
    ),
    Question(
        "emotion_at_work",
        "Does it recognise emotions of employees at work or of students in education (other than for medical or safety reasons)?",
        AiActTier.prohibited,
        "emotion recognition at work or in education (Art. 5(1)(f))",
    ),
    Question(
        "biometric_sensitive",
        "Does it categorise people by biometrics to infer race, political opinions, religion, sexual orientation or union membership, or build face databases by scraping?",
        AiActTier.prohibited,
        "biometric categorisation of sensitive traits or untargeted face scraping (Art. 5(1)(e), (g))",
    ),
    # Article 6 and Annex III: high-risk
    Question(
        "safety_component",
        "Is it a medical device, or a safety component of a product that needs third-party conformity assessment (machinery, lifts, toys, vehicles)?",
        AiActTier.high,
        "medical device or safety component of a regulated product (Art. 6(1))",
    ),
    Question(
        "employment",
        "Is it used to recruit or select people, decide on promotion or dismissal, allocate tasks, or monitor and evaluate workers?",
        AiActTier.high,
        "employment and workers management (Annex III, 4)",
    ),
    Question(
        "essential_services",
        "Does it decide or inform access to essential services: creditworthiness, life or health insurance pricing, public benefits, or emergency call triage?",
        AiActTier.high,
        "access to essential private and public services (Annex III, 5)",
    ),
    Question(
        "education",
        "Does it decide admission to education, evaluate learning outcomes or monitor students during tests?",
        AiActTier.high,
        "education and vocational training (Annex III, 3)",
    ),
    Question(
        "biometric_identification",
        "Does it identify people remotely by their biometrics, or recognise emotions outside work and education?",
        AiActTier.high,
        "biometrics (Annex III, 1)",
    ),
    Question(
        "critical_infrastructure",
        "Is it a safety component in managing critical infrastructure (water, gas, heating, electricity, road traffic)?",
        AiActTier.high,
        "critical infrastructure (Annex III, 2)",
    ),
    # Article 50: transparency duties
    Question(
        "talks_to_people",
        "Do people interact with it directly, as with a chatbot or voice assistant?",
        AiActTier.limited,
        "people interact with an AI system and must be told so (Art. 50(1))",
    ),
    Question(
        "generates_content",
        "Does it generate text, images, audio or video that is published or shown to people?",
        AiActTier.limited,
        "AI-generated content must be marked or disclosed (Art. 50(2), (4))",
    ),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
SEVERITY = (AiActTier.prohibited, AiActTier.high, AiActTier.limited, AiActTier.minimal)


@dataclass(frozen=True)
class TierSuggestion:
    tier: AiActTier
    reason: str


def suggest_tier(answers: dict[str, bool]) -> TierSuggestion:
    """The most severe tier any yes-answer points to, with every reason that applies to that tier."""
    unknown = set(answers) - set(QUESTION_KEYS)
    if unknown:
        raise ValueError(f"unknown questions: {', '.join(sorted(unknown))}")
    for tier in SEVERITY[:-1]:
        reasons = [q.reason for q in QUESTIONS if q.tier == tier and answers.get(q.key)]
        if reasons:
            # The reason says why, without the tier's name: it is shown and stored beside the tier.
            return TierSuggestion(tier, "From the answers: " + "; ".join(reasons) + ".")
    return TierSuggestion(
        AiActTier.minimal, "No prohibited practice, no high-risk area and no transparency duty applies."
    )
