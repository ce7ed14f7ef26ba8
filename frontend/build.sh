#!/usr/bin/env bash
# Build Capable's front end from GOV.UK Frontend (pinned in package.json) into cms/static/:
#   css/site.css                 compiled from site.scss (Arial, no GDS Transport, no crest)
#   css/layout.css               compiled from layout.scss (reflow at 320 px, text zoom)
#   govuk/govuk-frontend.min.js  the design system's JavaScript, loaded by js/site.js
#   govuk/assets/                only the assets the CSS refers to (none today: see below)
#   govuk/VERSION, govuk/LICENCE
# Needs Node and npm; the output is committed, so running the site does not.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
static="$here/../cms/static"
cd "$here"

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

package="node_modules/govuk-frontend"
dist="$package/dist/govuk"
version="$(node -p "require('./$package/package.json').version")"

mkdir -p "$static/css" "$static/govuk"

start=$(date +%s%N)
npx --no-install sass --load-path=node_modules --style=compressed --no-source-map \
  site.scss "$static/css/site.css"
npx --no-install sass --load-path=node_modules --style=compressed --no-source-map \
  layout.scss "$static/css/layout.css"
echo "Compiled css/site.css in $(( ($(date +%s%N) - start) / 1000000 )) ms (govuk-frontend $version)"

if grep -q "GDS Transport" "$static/css/site.css" "$static/css/layout.css"; then
  echo "css/site.css names the GDS Transport font, which is reserved for GOV.UK" >&2
  exit 1
fi

# The JavaScript, without its source-map comment (the map is not shipped).
sed 's|//# sourceMappingURL=[^ ]*$||' "$dist/govuk-frontend.min.js" > "$static/govuk/govuk-frontend.min.js"

# Assets: the package's fonts are GDS Transport and its images are the crown (favicons, icons,
# Open Graph image, mask) or the crest, none of which Capable may use. Copy only what the compiled
# CSS refers to, and never those; today that is nothing, as _image-url.scss drops the crest.
rm -rf "$static/govuk/assets"
mkdir -p "$static/govuk/assets"
{ grep -o 'url("\?/static/govuk/assets/[^")]*' "$static/css/site.css" || true; } \
  | sed 's|^url("\?/static/govuk/assets/||' | sort -u \
  | while read -r asset; do
      case "$asset" in
        fonts/* | *crest* | *crown* | *govuk-icon* | *favicon* | *opengraph*)
          echo "css/site.css refers to $asset, a GOV.UK brand asset" >&2
          exit 1 ;;
      esac
      mkdir -p "$static/govuk/assets/$(dirname "$asset")"
      cp "$dist/assets/$asset" "$static/govuk/assets/$asset"
    done
cat > "$static/govuk/assets/README.txt" <<'TXT'
GOV.UK Frontend's own assets are its fonts (GDS Transport) and images of the crown and crest,
which are reserved for GOV.UK, so Capable ships none of them. frontend/build.sh copies here only
the assets the compiled CSS refers to that are not those.
TXT

echo "govuk-frontend $version" > "$static/govuk/VERSION"

# The npm package declares MIT but ships no licence file: this is the upstream LICENSE.txt.
if [ -f "$package/LICENSE.txt" ]; then
  cp "$package/LICENSE.txt" "$static/govuk/LICENCE"
else
  license="$(node -p "require('./$package/package.json').license")"
  if [ "$license" != "MIT" ]; then
    echo "govuk-frontend $version declares the licence $license, not MIT: update build.sh" >&2
    exit 1
  fi
  cat > "$static/govuk/LICENCE" <<'TXT'
GOV.UK Frontend (https://github.com/alphagov/govuk-frontend), used by Capable for
css/site.css and govuk/govuk-frontend.min.js. The codebase is released under the MIT License;
its documentation is Crown copyright under the Open Government Licence v3.0.

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
TXT
fi

echo "Wrote $(cd "$static" && pwd)/{css/site.css,govuk/}"
