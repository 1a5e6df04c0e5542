package provider

// IncreaseInput adds nodes to a node group.
type IncreaseInput struct {
	Count    int `json:"count"`
	MinCount int `json:"minCount,omitempty"`
	// Subscription groups need a term for the new nodes.
	PaymentDuration int    `json:"paymentDuration,omitempty"`
	PaymentUnit     string `json:"paymentUnit,omitempty"`
	AutoPay         *bool  `json:"autoPay,omitempty"`
	AutoRenew       *bool  `json:"autoRenew,omitempty"`
	// From is the group's requested size as observed before: a cloud that
	// sets an absolute size (AWS ModifyInstanceGroups) sends From+Count.
	From int `json:"-"`
}

// ClusterAttributes changes a cluster's name, description or protection;
// empty strings and a nil pointer leave a value unchanged.
type ClusterAttributes struct {
	Name               string `json:"name,omitempty"`
	Description        string `json:"description,omitempty"`
	DeletionProtection *bool  `json:"deletionProtection,omitempty"`
}

// AutoRenewInput is the auto-renewal setting of a subscription cluster.
type AutoRenewInput struct {
	Enable       bool   `json:"enable"`
	Duration     int    `json:"duration,omitempty"`
	Unit         string `json:"unit,omitempty"`
	AllInstances bool   `json:"allInstances,omitempty"`
}

// ActivityFilter selects scaling activities.
type ActivityFilter struct {
	NodeGroupID string   `json:"nodeGroupId,omitempty"`
	States      []string `json:"states,omitempty"`
	Type        string   `json:"type,omitempty"`
	RuleName    string   `json:"ruleName,omitempty"`
}

// WriteResult is what a write returned.
type WriteResult struct {
	IDs         []string `json:"ids,omitempty"`
	OperationID string   `json:"operationId,omitempty"`
	RequestID   string   `json:"requestId,omitempty"`
}
