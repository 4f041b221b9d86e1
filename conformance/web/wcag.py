"""The 50 success criteria of WCAG 2.1 level A and AA, with their names in Dutch and English.

EN 301 549 (chapter 9) makes these the requirements for web content, and the Dutch decree
("Besluit digitale toegankelijkheid overheid") refers to them. The Dutch names follow the
authorised Dutch translation of WCAG 2.1; the anchors are those of
https://www.w3.org/TR/WCAG21/. Which axe-core rules test a criterion is NOT written here: it
is read from axe-core's rule metadata (see :mod:`conformance.web.axe`).
"""

from __future__ import annotations

from dataclasses import dataclass

WCAG21_URL = "https://www.w3.org/TR/WCAG21/"


@dataclass(frozen=True)
class Criterion:
    id: str  # "1.1.1"
    level: str  # "A" | "AA"
    en: str
    nl: str
    anchor: str

    @property
    def url(self) -> str:
        return f"{WCAG21_URL}#{self.anchor}"

    @property
    def tag(self) -> str:
        """axe-core's tag for this criterion: 1.4.10 -> wcag1410."""
        return "wcag" + self.id.replace(".", "")


def _c(sc: str, level: str, en: str, nl: str, anchor: str) -> Criterion:
    return Criterion(sc, level, en, nl, anchor)


CRITERIA: tuple[Criterion, ...] = (
    _c("1.1.1", "A", "Non-text Content", "Niet-tekstuele content", "non-text-content"),
    _c("1.2.1", "A", "Audio-only and Video-only (Prerecorded)",
       "Louter-geluid en louter-video (vooraf opgenomen)", "audio-only-and-video-only-prerecorded"),
    _c("1.2.2", "A", "Captions (Prerecorded)",
       "Ondertitels voor doven en slechthorenden (vooraf opgenomen)", "captions-prerecorded"),
    _c("1.2.3", "A", "Audio Description or Media Alternative (Prerecorded)",
       "Audiodescriptie of media-alternatief (vooraf opgenomen)",
       "audio-description-or-media-alternative-prerecorded"),
    _c("1.2.4", "AA", "Captions (Live)", "Ondertitels voor doven en slechthorenden (live)",
       "captions-live"),
    _c("1.2.5", "AA", "Audio Description (Prerecorded)", "Audiodescriptie (vooraf opgenomen)",
       "audio-description-prerecorded"),
    _c("1.3.1", "A", "Info and Relationships", "Info en relaties", "info-and-relationships"),
    _c("1.3.2", "A", "Meaningful Sequence", "Betekenisvolle volgorde", "meaningful-sequence"),
    _c("1.3.3", "A", "Sensory Characteristics", "Zintuiglijke eigenschappen",
       "sensory-characteristics"),
    _c("1.3.4", "AA", "Orientation", "Weergavestand", "orientation"),
    _c("1.3.5", "AA", "Identify Input Purpose", "Identificeer het doel van de input",
       "identify-input-purpose"),
    _c("1.4.1", "A", "Use of Color", "Gebruik van kleur", "use-of-color"),
    _c("1.4.2", "A", "Audio Control", "Geluidsbediening", "audio-control"),
    _c("1.4.3", "AA", "Contrast (Minimum)", "Contrast (minimum)", "contrast-minimum"),
    _c("1.4.4", "AA", "Resize text", "Herschalen van tekst", "resize-text"),
    _c("1.4.5", "AA", "Images of Text", "Afbeeldingen van tekst", "images-of-text"),
    _c("1.4.10", "AA", "Reflow", "Reflow", "reflow"),
    _c("1.4.11", "AA", "Non-text Contrast", "Contrast van niet-tekstuele content",
       "non-text-contrast"),
    _c("1.4.12", "AA", "Text Spacing", "Tekstafstand", "text-spacing"),
    _c("1.4.13", "AA", "Content on Hover or Focus", "Content bij hover of focus",
       "content-on-hover-or-focus"),
    _c("2.1.1", "A", "Keyboard", "Toetsenbord", "keyboard"),
    _c("2.1.2", "A", "No Keyboard Trap", "Geen toetsenbordval", "no-keyboard-trap"),
    _c("2.1.4", "A", "Character Key Shortcuts", "Enkel teken sneltoetsen",
       "character-key-shortcuts"),
    _c("2.2.1", "A", "Timing Adjustable", "Timing aanpasbaar", "timing-adjustable"),
    _c("2.2.2", "A", "Pause, Stop, Hide", "Pauzeren, stoppen, verbergen", "pause-stop-hide"),
    _c("2.3.1", "A", "Three Flashes or Below Threshold", "Drie flitsen of beneden drempelwaarde",
       "three-flashes-or-below-threshold"),
    _c("2.4.1", "A", "Bypass Blocks", "Blokken omzeilen", "bypass-blocks"),
    _c("2.4.2", "A", "Page Titled", "Paginatitel", "page-titled"),
    _c("2.4.3", "A", "Focus Order", "Focusvolgorde", "focus-order"),
    _c("2.4.4", "A", "Link Purpose (In Context)", "Linkdoel (in context)",
       "link-purpose-in-context"),
    _c("2.4.5", "AA", "Multiple Ways", "Meerdere manieren", "multiple-ways"),
    _c("2.4.6", "AA", "Headings and Labels", "Koppen en labels", "headings-and-labels"),
    _c("2.4.7", "AA", "Focus Visible", "Focus zichtbaar", "focus-visible"),
    _c("2.5.1", "A", "Pointer Gestures", "Aanwijzergebaren", "pointer-gestures"),
    _c("2.5.2", "A", "Pointer Cancellation", "Aanwijzerannulering", "pointer-cancellation"),
    _c("2.5.3", "A", "Label in Name", "Label in naam", "label-in-name"),
    _c("2.5.4", "A", "Motion Actuation", "Bewegingsactivering", "motion-actuation"),
    _c("3.1.1", "A", "Language of Page", "Taal van de pagina", "language-of-page"),
    _c("3.1.2", "AA", "Language of Parts", "Taal van onderdelen", "language-of-parts"),
    _c("3.2.1", "A", "On Focus", "Bij focus", "on-focus"),
    _c("3.2.2", "A", "On Input", "Bij input", "on-input"),
    _c("3.2.3", "AA", "Consistent Navigation", "Consistente navigatie", "consistent-navigation"),
    _c("3.2.4", "AA", "Consistent Identification", "Consistente identificatie",
       "consistent-identification"),
    _c("3.3.1", "A", "Error Identification", "Foutidentificatie", "error-identification"),
    _c("3.3.2", "A", "Labels or Instructions", "Labels of instructies", "labels-or-instructions"),
    _c("3.3.3", "AA", "Error Suggestion", "Foutsuggestie", "error-suggestion"),
    _c("3.3.4", "AA", "Error Prevention (Legal, Financial, Data)",
       "Foutpreventie (wettelijk, financieel, gegevens)", "error-prevention-legal-financial-data"),
    _c("4.1.1", "A", "Parsing", "Parsen", "parsing"),
    _c("4.1.2", "A", "Name, Role, Value", "Naam, rol, waarde", "name-role-value"),
    _c("4.1.3", "AA", "Status Messages", "Statusberichten", "status-messages"),
)


def requirement_id(criterion: Criterion) -> str:
    """The profile's requirement id of a criterion: ``wcag-1.4.3``."""
    return f"wcag-{criterion.id}"
