#!/usr/bin/env bash
# Creates the skeleton every TypeScript project here shares (project.json, tsconfig, jest config).
# usage: tools/new-lib.sh <root> <name> "<tag>,<tag>"
set -euo pipefail
root=$1 name=$2 tags=$3
depth=$(echo "$root" | awk -F/ '{print NF}')
up=$(printf '../%.0s' $(seq 1 "$depth"))
mkdir -p "$root/src"
tagjson=$(echo "$tags" | sed 's/\([^,]*\)/"\1"/g')
cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "library",
  "tags": [$tagjson],
  "targets": {
    "test": {
      "executor": "@nx/jest:jest",
      "options": { "jestConfig": "$root/jest.config.js", "passWithNoTests": false }
    },
    "lint": {
      "executor": "@nx/eslint:lint",
      "options": { "lintFilePatterns": ["$root/src"] }
    },
    "typecheck": {
      "executor": "nx:run-commands",
      "options": { "command": "tsc -p $root/tsconfig.json --noEmit" }
    }
  }
}
JSON
cat > "$root/tsconfig.json" <<JSON
{
  "extends": "${up}tsconfig.base.json",
  "compilerOptions": { "types": ["node", "jest"] },
  "include": ["src/**/*.ts"]
}
JSON
cat > "$root/jest.config.js" <<JS
module.exports = {
  ...require('${up}jest.preset.js'),
  displayName: '$name',
  rootDir: __dirname,
};
JS
