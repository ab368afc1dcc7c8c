package sim

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Annotations that script a pod's end for Job-style demos and tests.
const (
	SucceedAfterAnnotation = "sandbox.foundry.dev/succeed-after" // e.g. "20s"
	FailAfterAnnotation    = "sandbox.foundry.dev/fail-after"
)

// deniedPattern returns the deny-list pattern an image matches, if any.
// In patterns "*" matches any run of characters (including "/" and ":"),
// and a pattern is tried against the full reference and against the
// reference without its tag or digest, so "registry.invalid/*" and
// "*:broken" both do what they look like.
func deniedPattern(image string, deny []string) (string, bool) {
	bare := image
	if i := strings.Index(bare, "@"); i >= 0 {
		bare = bare[:i]
	}
	if i := strings.LastIndex(bare, ":"); i > strings.LastIndex(bare, "/") {
		bare = bare[:i]
	}
	for _, p := range deny {
		if globMatch(p, image) || globMatch(p, bare) {
			return p, true
		}
	}
	return "", false
}

// globMatch matches s against a pattern where '*' is any string.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// podView is the input for one status computation.
type podView struct {
	pod    *corev1.Pod
	hostIP string
	podIP  string
	deny   []string
	now    time.Time // truncated to seconds: API times round-trip at 1 s
}

// desiredStatus computes what a kubelet with an instant container runtime
// would report now, and when the status will next change (0 = never).
func desiredStatus(v podView) (corev1.PodStatus, time.Duration) {
	pod := v.pod
	st := *pod.Status.DeepCopy()
	now := metav1.NewTime(v.now)
	if st.StartTime == nil {
		st.StartTime = &now
	}
	started := st.StartTime.Time
	st.HostIP, st.HostIPs = v.hostIP, []corev1.HostIP{{IP: v.hostIP}}
	st.PodIP, st.PodIPs = v.podIP, []corev1.PodIP{{IP: v.podIP}}

	var next time.Duration
	later := func(at time.Time) {
		if d := at.Sub(v.now); d > 0 && (next == 0 || d < next) {
			next = d
		}
	}

	st.InitContainerStatuses = make([]corev1.ContainerStatus, 0, len(pod.Spec.InitContainers))
	for _, c := range pod.Spec.InitContainers {
		cs := baseContainerStatus(c, pod.Name)
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: *st.StartTime}
			cs.Ready, cs.Started = true, ptrBool(true)
		} else {
			cs.State.Terminated = &corev1.ContainerStateTerminated{Reason: "Completed", ExitCode: 0,
				StartedAt: *st.StartTime, FinishedAt: *st.StartTime, ContainerID: cs.ContainerID}
			cs.Started = ptrBool(false)
		}
		st.InitContainerStatuses = append(st.InitContainerStatuses, cs)
	}

	end, endPhase := scriptedEnd(pod, started)
	allReady, pulling := true, false
	st.ContainerStatuses = make([]corev1.ContainerStatus, 0, len(pod.Spec.Containers))
	for _, c := range pod.Spec.Containers {
		cs := baseContainerStatus(c, pod.Name)
		if pattern, denied := deniedPattern(c.Image, v.deny); denied {
			pulling, allReady = true, false
			cs.ContainerID, cs.ImageID = "", ""
			cs.Started = ptrBool(false)
			cs.State.Waiting = pullFailure(c, pattern, started, v.now)
			later(started.Add(pullBackOffAfter))
		} else if !end.IsZero() && !v.now.Before(end) {
			code := int32(0)
			if endPhase == corev1.PodFailed {
				code = 1
			}
			cs.State.Terminated = &corev1.ContainerStateTerminated{Reason: map[bool]string{true: "Completed", false: "Error"}[code == 0],
				ExitCode: code, StartedAt: *st.StartTime, FinishedAt: metav1.NewTime(end), ContainerID: cs.ContainerID}
			cs.Started = ptrBool(false)
			allReady = false
		} else {
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: *st.StartTime}
			cs.Started = ptrBool(true)
			readyAt := started.Add(probeDelay(c.StartupProbe) + probeDelay(c.ReadinessProbe))
			cs.Ready = !v.now.Before(readyAt)
			allReady = allReady && cs.Ready
			later(readyAt)
			if !end.IsZero() {
				later(end)
			}
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}

	switch {
	case !end.IsZero() && !v.now.Before(end) && !pulling:
		st.Phase = endPhase
	case pulling:
		st.Phase = corev1.PodPending
	default:
		st.Phase = corev1.PodRunning
	}
	terminal := st.Phase == corev1.PodSucceeded || st.Phase == corev1.PodFailed
	readyReason := ""
	if terminal {
		readyReason = "PodCompleted"
	} else if !allReady {
		readyReason = "ContainersNotReady"
	}
	st.Conditions = mergeConditions(st.Conditions, now, map[corev1.PodConditionType]string{
		corev1.PodReadyToStartContainers: reasonIf(terminal, "PodCompleted"),
		corev1.PodInitialized:            "",
		corev1.ContainersReady:           readyReason,
		corev1.PodReady:                  readyReason,
		corev1.PodScheduled:              "",
	})
	return st, next
}

func reasonIf(b bool, r string) string {
	if b {
		return r
	}
	return ""
}

func baseContainerStatus(c corev1.Container, podName string) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name:  c.Name,
		Image: c.Image,
		// Stable fake IDs: the status must not change between syncs.
		ImageID:     fmt.Sprintf("sandbox://sha256:%x", sha256.Sum256([]byte(c.Image))),
		ContainerID: "sandbox://" + podName + "/" + c.Name,
	}
}

// pullFailure reports ErrImagePull for the first pull attempt and
// ImagePullBackOff from pullBackOffAfter on, as a kubelet would. It is a
// function of the pod's start time so that repeated syncs agree.
func pullFailure(c corev1.Container, pattern string, started, now time.Time) *corev1.ContainerStateWaiting {
	if !now.Before(started.Add(pullBackOffAfter)) {
		return &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff",
			Message: fmt.Sprintf("Back-off pulling image %q", c.Image)}
	}
	return &corev1.ContainerStateWaiting{Reason: "ErrImagePull",
		Message: fmt.Sprintf("failed to pull and unpack image %q: simulated pull failure (image matches deny-list pattern %q)", c.Image, pattern)}
}

const pullBackOffAfter = 2 * time.Second

func probeDelay(p *corev1.Probe) time.Duration {
	if p == nil {
		return 0
	}
	return time.Duration(p.InitialDelaySeconds) * time.Second
}

func scriptedEnd(pod *corev1.Pod, started time.Time) (time.Time, corev1.PodPhase) {
	for ann, phase := range map[string]corev1.PodPhase{SucceedAfterAnnotation: corev1.PodSucceeded, FailAfterAnnotation: corev1.PodFailed} {
		if v, ok := pod.Annotations[ann]; ok {
			if d, err := time.ParseDuration(v); err == nil {
				return started.Add(d), phase
			}
		}
	}
	return time.Time{}, ""
}

// mergeConditions sets each condition True (reason "") or False (reason
// set), keeping LastTransitionTime when the status is unchanged so that
// repeated syncs produce identical objects.
func mergeConditions(old []corev1.PodCondition, now metav1.Time, want map[corev1.PodConditionType]string) []corev1.PodCondition {
	out := make([]corev1.PodCondition, 0, len(want))
	order := []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodInitialized,
		corev1.ContainersReady, corev1.PodReady, corev1.PodScheduled}
	for _, t := range order {
		reason := want[t]
		c := corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now}
		if reason != "" {
			c.Status, c.Reason = corev1.ConditionFalse, reason
		}
		for _, o := range old {
			if o.Type == t && o.Status == c.Status {
				c.LastTransitionTime, c.LastProbeTime = o.LastTransitionTime, o.LastProbeTime
				if t == corev1.PodScheduled {
					c.Reason, c.Message = o.Reason, o.Message
				}
			}
		}
		out = append(out, c)
	}
	// Conditions owned by others (DisruptionTarget, readiness gates) stay.
	for _, o := range old {
		if _, ours := want[o.Type]; !ours {
			out = append(out, o)
		}
	}
	return out
}

func ptrBool(b bool) *bool { return &b }
