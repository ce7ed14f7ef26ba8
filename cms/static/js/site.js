// Capable's only script. Pages work without it: it adds GOV.UK Frontend's behaviour on top
// (menu toggle, error summary focus, details and so on). Loaded as a module, so it runs only in
// browsers that GOV.UK Frontend supports; the template's classes are set here, not inline,
// because the Content Security Policy forbids inline scripts.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
