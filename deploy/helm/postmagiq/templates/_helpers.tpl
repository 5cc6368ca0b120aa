{{/* Names and labels shared by every template. */}}

{{- define "postmagiq.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* <fullname>-<component>: the name of a component's objects */}}
{{- define "postmagiq.name" -}}
{{- printf "%s-%s" (include "postmagiq.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "postmagiq.selectorLabels" -}}
app.kubernetes.io/name: postmagiq
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "postmagiq.labels" -}}
{{ include "postmagiq.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: postmagiq
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* image of a Postmagiq deployable: <registry>/<prefix><name>:<tag> */}}
{{- define "postmagiq.image" -}}
{{- $i := .root.Values.image -}}
{{- with get $i.overrides .name -}}
{{- . -}}
{{- else -}}
{{- $repo := printf "%s%s" $i.repositoryPrefix .name -}}
{{- if $i.registry }}{{ $repo = printf "%s/%s" (trimSuffix "/" $i.registry) $repo }}{{ end -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $i.tag) -}}
{{- end -}}
{{- end -}}

{{- define "postmagiq.secretName" -}}
{{- default (printf "%s-secrets" (include "postmagiq.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "postmagiq.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "postmagiq.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "postmagiq.natsUrl" -}}
{{- if .Values.nats.bundled -}}
{{- printf "nats://%s:4222" (include "postmagiq.name" (dict "root" . "component" "nats")) -}}
{{- else -}}
{{- required "nats.url is required when nats.bundled is false" .Values.nats.url -}}
{{- end -}}
{{- end -}}

{{- define "postmagiq.publicUrl" -}}
{{- if .Values.publicUrl -}}
{{- .Values.publicUrl -}}
{{- else -}}
{{- printf "%s://%s" (ternary "https" "http" (ne .Values.ingress.tlsSecretName "")) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/* a variable from the release's Secret; optional ones may be absent from it */}}
{{- define "postmagiq.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "postmagiq.secretName" .root }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* DATABASE_URL and REDIS_URL: from the Secret (generated for bundled stores) */}}
{{- define "postmagiq.storeEnv" -}}
{{- if .database -}}
{{ include "postmagiq.secretEnv" (dict "root" .root "key" "DATABASE_URL") }}
{{ end -}}
{{ include "postmagiq.secretEnv" (dict "root" .root "key" "REDIS_URL") }}
{{- end -}}

{{- define "postmagiq.podSecurity" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{- define "postmagiq.containerSecurity" -}}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
{{- end -}}

{{/* probes on the platform's health endpoints */}}
{{- define "postmagiq.probes" -}}
startupProbe:
  httpGet: { path: /health/live, port: http }
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: { path: /health/live, port: http }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /health/ready, port: http }
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end -}}

{{/* pod-level fields every Postmagiq pod shares */}}
{{- define "postmagiq.podCommon" -}}
serviceAccountName: {{ include "postmagiq.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{ include "postmagiq.podSecurity" . }}
{{- end -}}

{{- define "postmagiq.redisAddress" -}}
{{- if .Values.agentWorkers.keda.redisAddress -}}
{{- .Values.agentWorkers.keda.redisAddress -}}
{{- else if .Values.redis.bundled -}}
{{- printf "%s:6379" (include "postmagiq.name" (dict "root" . "component" "redis")) -}}
{{- else -}}
{{- fail "agentWorkers.keda.redisAddress (host:port) is required with KEDA and an external Redis" -}}
{{- end -}}
{{- end -}}
